"""instance-lint: validate and lint Dagster's instance config file, dagster.yaml."""

__version__ = "0.1.0"
