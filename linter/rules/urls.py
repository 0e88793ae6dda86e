"""Stdlib mirrors of the URL checks third-party libraries make while Dagster builds its components.

No checks live here (nothing is registered); `compute_logs.py` and `storages.py` use these. Nothing is
imported from botocore or SQLAlchemy at run time: the linter must not need them.

botocore (1.44.5), `EndpointCreator.create_endpoint` (botocore/endpoint.py), which every
`boto3.client`/`boto3.resource` call with an `endpoint_url` reaches while the client is built:

    if not is_valid_endpoint_url(endpoint_url) and not is_valid_ipv6_endpoint_url(endpoint_url):
        raise ValueError(f"Invalid endpoint: {endpoint_url}")

`is_valid_endpoint_url` and `is_valid_ipv6_endpoint_url` (botocore/utils.py) and the patterns they use
(botocore/compat.py, vendored from urllib3) are copied below. `urlsplit` itself raises ValueError
on a malformed IPv6 host (`http://[::1`), which botocore lets through: a rejection too.

SQLAlchemy (2.1.9), what `create_engine` does with a URL before it connects: `make_url(url)`
(`_parse_url`, sqlalchemy/engine/url.py: the pattern below, then `int(port)` whenever the port
group matched, even empty, in `URL.create`) and
`url.get_dialect()` (`_get_entrypoint` -> `registry.load`, sqlalchemy/dialects/__init__.py: the
drivername's `+` become `.`; `dialect.driver` must name a built-in dialect package and one of its
driver modules, `dialect` alone means `dialect.base`; more than one `+` fails to unpack; otherwise
an installed package's `sqlalchemy.dialects` entry point of that name). The built-in table below
lists every combination SQLAlchemy 2.1.9 (the version Dagster runs with in the dev environment)
loads, enumerated from its registry; other SQLAlchemy versions ship slightly different drivers.
"""

from __future__ import annotations

from linter.words import close_matches
import re
from urllib.parse import quote, quote_plus, urlencode, urlparse, urlsplit

# ---------------------------------------------------------------- botocore endpoint_url

_IPV4_PAT = r"(?:[0-9]{1,3}\.){3}[0-9]{1,3}"
_HEX_PAT = "[0-9A-Fa-f]{1,4}"
_LS32_PAT = "(?:{hex}:{hex}|{ipv4})".format(hex=_HEX_PAT, ipv4=_IPV4_PAT)
_SUBS = {"hex": _HEX_PAT, "ls32": _LS32_PAT}
_VARIATIONS = [
    "(?:%(hex)s:){6}%(ls32)s",
    "::(?:%(hex)s:){5}%(ls32)s",
    "(?:%(hex)s)?::(?:%(hex)s:){4}%(ls32)s",
    "(?:(?:%(hex)s:)?%(hex)s)?::(?:%(hex)s:){3}%(ls32)s",
    "(?:(?:%(hex)s:){0,2}%(hex)s)?::(?:%(hex)s:){2}%(ls32)s",
    "(?:(?:%(hex)s:){0,3}%(hex)s)?::%(hex)s:%(ls32)s",
    "(?:(?:%(hex)s:){0,4}%(hex)s)?::%(ls32)s",
    "(?:(?:%(hex)s:){0,5}%(hex)s)?::%(hex)s",
    "(?:(?:%(hex)s:){0,6}%(hex)s)?::",
]
_UNRESERVED_PAT = r"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._!\-~"
_IPV6_PAT = "(?:" + "|".join([x % _SUBS for x in _VARIATIONS]) + ")"
_ZONE_ID_PAT = "(?:%25|%)(?:[" + _UNRESERVED_PAT + "]|%[a-fA-F0-9]{2})+"
# Compiled on first use (re caches it): most files have no endpoint_url, and this one takes ~1 ms.
_IPV6_ADDRZ_PAT = "^" + r"\[" + _IPV6_PAT + r"(?:" + _ZONE_ID_PAT + r")?\]" + "$"
_UNSAFE_URL_CHARS = frozenset("\t\r\n")
_HOSTNAME_PAT = r"^((?!-)[A-Z\d-]{1,63}(?<!-)\.)*((?!-)[A-Z\d-]{1,63}(?<!-))$"


def _is_valid_endpoint_url(endpoint_url: str) -> bool:
    if _UNSAFE_URL_CHARS.intersection(endpoint_url):
        return False
    hostname = urlsplit(endpoint_url).hostname
    if hostname is None:
        return False
    if len(hostname) > 255:
        return False
    if hostname[-1] == ".":
        hostname = hostname[:-1]
    return bool(re.match(_HOSTNAME_PAT, hostname, re.IGNORECASE))


def _is_valid_ipv6_endpoint_url(endpoint_url: str) -> bool:
    if _UNSAFE_URL_CHARS.intersection(endpoint_url):
        return False
    hostname = f"[{urlparse(endpoint_url).hostname}]"
    return re.match(_IPV6_ADDRZ_PAT, hostname) is not None


def botocore_endpoint_problem(endpoint_url: str) -> str | None:
    """Why botocore refuses `endpoint_url` when it builds a client, or None when it accepts it."""
    try:
        if _is_valid_endpoint_url(endpoint_url) or _is_valid_ipv6_endpoint_url(endpoint_url):
            return None
        if _UNSAFE_URL_CHARS.intersection(endpoint_url):
            return "it contains a tab or a line break"
        hostname = urlsplit(endpoint_url).hostname
    except ValueError as error:  # urlsplit: "Invalid IPv6 URL", bad port brackets…
        return f"it is not a URL ({error})"
    if hostname is None:
        if "//" not in endpoint_url:
            return "it has no scheme (`http://` or `https://`)"
        return "it has no host name"
    return f"`{hostname}` is not a valid host name (letters, digits and `-` in dot-separated labels, or an IP address)"


# ---------------------------------------------------------------- SQLAlchemy URLs

_SQLALCHEMY_URL = re.compile(
    r"""
        (?P<name>[\w\+]+)://
        (?:
            (?P<username>[^:/]*)
            (?::(?P<password>[^@]*))?
        @)?
        (?:
            (?:
                \[(?P<ipv6host>[^/\?]+)\] |
                (?P<ipv4host>[^/:\?]+)
            )?
            (?::(?P<port>[^/\?]*))?
        )?
        (?:/(?P<database>[^\?]*))?
        (?:\?(?P<query>.*))?
        """,
    re.X,
)

_MYSQL_DRIVERS = (
    "aiomysql",
    "asyncmy",
    "base",
    "cymysql",
    "mariadbconnector",
    "mysqlconnector",
    "mysqldb",
    "pymysql",
    "pyodbc",
)

# dialect -> the drivers `dialect+driver://` loads (`base` is what `dialect://` loads)
SQLALCHEMY_DIALECTS: dict[str, tuple[str, ...]] = {
    "postgresql": ("asyncpg", "base", "pg8000", "psycopg", "psycopg2", "psycopg2cffi", "psycopg_async"),
    "mysql": _MYSQL_DRIVERS,
    "mariadb": _MYSQL_DRIVERS,
    "sqlite": ("aiosqlite", "base", "pysqlcipher", "pysqlite"),
    "mssql": ("aioodbc", "base", "mssqlpython", "pymssql", "pyodbc"),
    "oracle": ("base", "cx_oracle", "oracledb", "oracledb_async"),
}

URL_SHAPE = "`dialect+driver://user:password@host:port/database`"

# Names people write for a driver (its PyPI package) -> SQLAlchemy's name for it
_DRIVER_ALIASES = {"mysqlclient": "mysqldb", "psycopg3": "psycopg", "mysql_connector": "mysqlconnector"}


def _entry_point_dialects() -> set[str]:
    """Dialects installed packages register (`sqlalchemy.dialects` entry points), as `name` or `name.driver`."""
    try:
        from importlib.metadata import entry_points

        return {entry.name for entry in entry_points(group="sqlalchemy.dialects")}
    except Exception:  # noqa: BLE001 - broken metadata must not break the linter
        return set()


def sqlalchemy_url_problem(url: str) -> tuple[str, str | None] | None:
    """Why `make_url(url).get_dialect()` fails, as (reason, corrected scheme or None); None when it succeeds."""
    match = _SQLALCHEMY_URL.match(url)
    if match is None:
        return f"SQLAlchemy cannot parse it as a URL ({URL_SHAPE})", None
    port = match["port"]
    if port is not None:  # `int(port)` when non-empty, then URL.create's `int(port)` even when empty
        try:
            int(port)
        except ValueError:
            return (f"its port `{port}` is not a number" if port else "it has a `:` but no port after it"), None
    drivername = match["name"]
    dialect, plus, driver = drivername.partition("+")
    if "+" in driver:
        return f"`{drivername}` names more than one driver (SQLAlchemy expects `dialect+driver`)", None
    if dialect in SQLALCHEMY_DIALECTS and driver in SQLALCHEMY_DIALECTS[dialect] + (("",) if not plus else ()):
        return None
    if (drivername.replace("+", ".") if plus else drivername) in _entry_point_dialects():
        return None
    if dialect not in SQLALCHEMY_DIALECTS:
        close = close_matches(dialect, SQLALCHEMY_DIALECTS, n=1)
        fixed = close[0] + plus + driver if close else None
        hint = f": did you mean `{fixed}`?" if fixed else ""
        return f"SQLAlchemy has no `{dialect}` dialect{hint}", fixed
    drivers = [d for d in SQLALCHEMY_DIALECTS[dialect] if d != "base"]
    close = [_DRIVER_ALIASES[driver]] if driver in _DRIVER_ALIASES else close_matches(driver, drivers, n=1)
    fixed = f"{dialect}+{close[0]}" if close else None
    hint = f": did you mean `{fixed}`?" if fixed else f" (it has {', '.join(f'`{d}`' for d in drivers)})"
    return f"SQLAlchemy's `{dialect}` dialect has no `{driver}` driver{hint}", fixed


def postgres_conn_string(
    username: str,
    password: str = "",
    hostname: str = "",
    db_name: str = "",
    port: object = "5432",
    params: object = None,
    scheme: str = "postgresql",
) -> str:
    """`dagster_postgres.utils.get_conn_string`, verbatim."""
    if password:
        userinfo = f"{quote(username)}:{quote(password)}"
    else:
        userinfo = quote(username)
    uri = f"{scheme}://{userinfo}@{hostname}:{port}/{db_name}"
    if params:
        uri = f"{uri}?{urlencode(params, quote_via=quote)}"  # type: ignore[arg-type]
    return uri


def mysql_conn_string(username: str, password: str, hostname: str, db_name: str, port: object = "3306") -> str:
    """`dagster_mysql.utils.get_conn_string`, verbatim."""
    return f"mysql+mysqlconnector://{username}:{quote_plus(password)}@{hostname}:{port}/{db_name}"


def replace_scheme(url: str, scheme: str) -> str:
    return scheme + url[url.index("://") :]
