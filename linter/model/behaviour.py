"""What Dagster's code does that no config type shows, and the version it starts in.

Each fact is declared once, as the first supported version that behaves so, with where it was read;
a rule asks `DagsterModel.since(FACT)`. Facts a generator can read from Dagster itself live in the
generated data instead (the catalog's `resumes_runs`, the defaults).
"""

# `BackfillDaemon.__init__` (dagster/_daemon/daemon.py): from 1.10 it reads
# `settings.get("use_threads", True)` and `settings.get("num_workers", 4)` and builds no pool for
# 0 workers; 1.9 reads `settings.get("use_threads")` (off when absent) and hands `num_workers`,
# 0 included, to the thread pool, which rejects it.
BACKFILL_DAEMON_THREADED_BY_DEFAULT = "1.10"
