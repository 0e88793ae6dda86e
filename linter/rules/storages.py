"""What the shipped storages' constructors reject.

Everything below passes the config types and is still rejected at start-up (common.py says how a
class is identified). Read from Dagster 1.13.27 and the 0.29.27 integrations.

Storages
- DagsterPostgresStorage and Postgres{Run,EventLog,Schedule}Storage (`storage.postgres` or a class
  block): `pg_url_from_config` wants exactly one of a non-empty `postgres_url` and `postgres_db` ->
  conflicting-keys at `postgres_url` when both, missing-key when neither, invalid-value for an empty
  `postgres_url` alone. All four also reject `auth_provider` with a `postgres_url`
  (`get_token_provider_from_config`) -> conflicting-keys at `postgres_url`.
- DagsterMySQLStorage and MySQL{Run,EventLog,Schedule}Storage: `mysql_url` and `mysql_db` together
  are a selector error (the schema's); an empty `mysql_url` makes Dagster read the absent `mysql_db`
  -> invalid-value.
- Both: the URL goes to `sqlalchemy.create_engine`, which parses it (`make_url`) and loads its dialect
  before connecting. A non-empty `postgres_url`/`mysql_url` SQLAlchemy cannot parse or whose
  `dialect+driver` it does not have (`postgres://`, `postgresql+psycopg3://`) -> invalid-value at it
  (`env:` URLs when the environment has them). Without a URL, the one `get_conn_string` builds from
  `postgres_db`/`mysql_db` is judged the same way, blamed on the field that breaks it (`scheme`, a
  `hostname` holding `:port`). Not checked: whether the DBAPI driver is installed (the machine).
- DagsterSqliteStorage, Sqlite*Storage, CompositeStorage, Legacy*Storage, InMemory*: nothing.
- UPathDefsStateStorage: not checked: `base_path` protocols need their fsspec package at run time.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from linter.findings import KeyPath, Target, Violation
from linter.rules import RuleContext, check
from linter.rules.classes import UNKNOWN, source_value
from linter.rules.common import section_and_blocks
from linter.rules.urls import mysql_conn_string, postgres_conn_string, replace_scheme, sqlalchemy_url_problem

POSTGRES_STORAGES = {
    "dagster_postgres.storage.DagsterPostgresStorage",
    "dagster_postgres.run_storage.run_storage.PostgresRunStorage",
    "dagster_postgres.event_log.event_log.PostgresEventLogStorage",
    "dagster_postgres.schedule_storage.schedule_storage.PostgresScheduleStorage",
}
MYSQL_STORAGES = {
    "dagster_mysql.storage.DagsterMySQLStorage",
    "dagster_mysql.run_storage.run_storage.MySQLRunStorage",
    "dagster_mysql.event_log.event_log.MySQLEventLogStorage",
    "dagster_mysql.schedule_storage.schedule_storage.MySQLScheduleStorage",
}


@dataclass(frozen=True)
class Database:
    """How Dagster connects one family of SQL storages."""

    section: KeyPath  # the `storage` shorthand Dagster turns into the family's DagsterXStorage
    storages: set[str]  # the family's storage classes (qualnames)
    url_key: str  # the connection URL field
    db_key: str  # the mapping `get_conn_string` builds a URL from when there is no URL
    db_defaults: dict[str, Any]  # the `db_key` Field defaults Dagster fills in
    build: Callable[..., str]  # `get_conn_string`
    db_safe: dict[str, str]  # fields of `db_key` that go into the URL unquoted, with a value that cannot break it


POSTGRES = Database(
    ("storage", "postgres"),
    POSTGRES_STORAGES,
    "postgres_url",
    "postgres_db",
    {"password": "", "port": 5432, "params": {}, "scheme": "postgresql"},
    postgres_conn_string,
    {"scheme": "postgresql", "hostname": "localhost", "username": "user", "db_name": "db"},
)
MYSQL = Database(
    ("storage", "mysql"),
    MYSQL_STORAGES,
    "mysql_url",
    "mysql_db",
    {"port": 3306},
    mysql_conn_string,
    {"hostname": "localhost", "username": "user", "db_name": "db"},
)


def _configs(context: RuleContext, database: Database) -> Iterator[tuple[KeyPath, dict]]:
    """(path of the config, config) for the `storage` shorthand and every storage class block of the family."""
    return section_and_blocks(context, database.section, database.storages)


@check("conflicting-keys", "missing-key", "invalid-value")
def postgres_connection(context: RuleContext) -> Iterator[Violation]:
    """What it does: checks that Postgres storage config has exactly one of a non-empty `postgres_url` and `postgres_db`.

    Why it matters: `pg_url_from_config` refuses both, neither, and an empty URL, so Dagster fails to start.
    """
    storage = context.data.get("storage") if isinstance(context.data, dict) else None
    if isinstance(storage, dict) and "postgres" in storage and storage["postgres"] is None:  # the schema allows it
        yield Violation("missing-key", ("storage", "postgres"), "Postgres storage needs `postgres_url` or `postgres_db`")
    for owner, config in _configs(context, POSTGRES):
        url = source_value(context.environ, config.get("postgres_url"))
        if not _is_source_string(url, "postgres_url" in config) or config.get("postgres_db", {}) is None:
            continue  # `null` or a wrong type: the schema reports it
        if url and "postgres_db" in config:
            yield Violation(
                "conflicting-keys",
                (*owner, "postgres_url"),
                "`postgres_url` cannot be combined with `postgres_db`: Dagster requires exactly one of them",
            )
        elif not url and "postgres_db" not in config:
            if "postgres_url" in config:
                yield Violation(
                    "invalid-value",
                    (*owner, "postgres_url"),
                    "`postgres_url` is empty and there is no `postgres_db`: Dagster needs a connection",
                    Target.VALUE,
                )
            else:
                yield Violation("missing-key", owner, "Postgres storage needs `postgres_url` or `postgres_db`")


def _is_source_string(value: Any, present: bool) -> bool:
    """A StringSource value we can judge: a string, an unresolved `env:` reference, or absent."""
    return isinstance(value, str) or value is UNKNOWN or (value is None and not present)


@check("conflicting-keys")
def postgres_auth_provider_with_url(context: RuleContext) -> Iterator[Violation]:
    """What it does: checks that `auth_provider` is not used with `postgres_url`.

    Why it matters: the Postgres storages inject tokens per connection from `postgres_db` and refuse a URL.
    """
    for owner, config in _configs(context, POSTGRES):
        url = source_value(context.environ, config.get("postgres_url"))
        if config.get("auth_provider") is not None and url:
            yield Violation(
                "conflicting-keys",
                (*owner, "postgres_url"),
                "`postgres_url` cannot be combined with `auth_provider`: use `postgres_db` so tokens can be injected",
            )


@check("invalid-value")
def mysql_url_empty(context: RuleContext) -> Iterator[Violation]:
    """What it does: checks that `mysql_url` is not an empty string.

    Why it matters: Dagster then reads `mysql_db` instead, which is absent, and fails to start.
    """
    for owner, config in _configs(context, MYSQL):
        if "mysql_db" in config:
            continue
        if source_value(context.environ, config.get("mysql_url")) == "":
            yield Violation(
                "invalid-value",
                (*owner, "mysql_url"),
                "`mysql_url` is empty: Dagster needs a connection URL",
                Target.VALUE,
            )


def _resolved_fields(context: RuleContext, db: Any, defaults: dict[str, Any]) -> dict[str, Any] | None:
    """`postgres_db`/`mysql_db` as Dagster passes it to `get_conn_string` (defaults filled, `env:` read); None if unknown."""
    if not isinstance(db, dict):
        return None
    fields = dict(defaults)
    for key, value in db.items():
        if key == "params":
            fields[key] = value
            continue
        resolved = source_value(context.environ, value, as_int=key == "port")
        wanted_type = int if key == "port" else str
        if not isinstance(resolved, wanted_type) or isinstance(resolved, bool):
            return None  # an unset `env:` (env_vars.py) or a wrong type (the schema's)
        fields[key] = resolved
    return fields


def _url_problem(build: Callable[..., str], fields: dict[str, Any]) -> str | None:
    try:
        url = build(**fields)
    except TypeError:  # a missing required field or an unknown one: the schema reports it
        return None
    found = sqlalchemy_url_problem(url)
    return found[0] if found else None


def _db_url_violation(owner: KeyPath, database: Database, fields: dict) -> Iterator[Violation]:
    build, db_key = database.build, database.db_key
    problem = _url_problem(build, fields)
    if problem is None:
        return
    for key, harmless in database.db_safe.items():
        if key in fields and fields[key] != harmless and _url_problem(build, {**fields, key: harmless}) is None:
            path: KeyPath = (*owner, db_key, key)
            if key == "scheme":
                found = sqlalchemy_url_problem(f"{fields[key]}://localhost/db")
                suggestion = found[1] if found else None
                hint = f": did you mean `{suggestion}`?" if suggestion else ""
                message = f"`scheme` `{fields[key]}` is not a scheme SQLAlchemy knows{hint}"
                yield Violation("invalid-value", path, message, Target.VALUE, suggestion)
                return
            advice = ": give the port in `port`" if key == "hostname" and ":" in str(fields[key]) else ""
            message = f"`{key}` breaks the connection URL Dagster builds from `{db_key}` ({problem}){advice}"
            yield Violation("invalid-value", path, message, Target.VALUE)
            return
    yield Violation(
        "invalid-value",
        (*owner, db_key),
        f"the connection URL Dagster builds from `{db_key}` is not one SQLAlchemy accepts: {problem}",
        Target.VALUE,
    )


def _url_violation(path: KeyPath, written: Any, url: str) -> Iterator[Violation]:
    found = sqlalchemy_url_problem(url)
    if found is None:
        return
    problem, scheme = found
    literal = written is url
    suggestion = replace_scheme(url, scheme) if scheme and literal else None
    shown = "" if literal else f" (the value of `{written['env']}`)"
    yield Violation(
        "invalid-value",
        path,
        f"`{path[-1]}`{shown} is not a URL SQLAlchemy accepts: {problem}",
        Target.VALUE,
        suggestion,
    )


@check("invalid-value")
def database_url_dialect(context: RuleContext) -> Iterator[Violation]:
    """What it does: checks that the Postgres or MySQL connection URL parses and names a dialect and driver SQLAlchemy has (`postgresql://`, not `postgres://`).

    Why it matters: the storage creates its SQLAlchemy engine when Dagster starts, and SQLAlchemy refuses such a URL.
    """
    for database in (POSTGRES, MYSQL):
        for owner, config in _configs(context, database):
            written = config.get(database.url_key)
            url = source_value(context.environ, written)
            if url is UNKNOWN:
                continue
            if isinstance(url, str) and url:
                yield from _url_violation((*owner, database.url_key), written, url)
            elif url in ("", None) and database.db_key in config:
                fields = _resolved_fields(context, config[database.db_key], database.db_defaults)
                if fields is not None:
                    yield from _db_url_violation(owner, database, fields)
