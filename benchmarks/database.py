"""The dedicated benchmark database: created from scratch, dropped afterwards.

The benchmark works only in a database of its own. From a PostgreSQL URL it takes the server and
the credentials, and the database name only when it contains ``bench`` (``phaen_bench_budget``);
otherwise (``.../phaen``, the real one) it uses ``phaen_bench``. The database is created through
the ``postgres`` maintenance database. Without a PostgreSQL URL it uses an SQLite file under
``var/bench/``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import dj_database_url

REPO = Path(__file__).resolve().parent.parent
BENCH_DIR = REPO / "var" / "bench"
DEFAULT_NAME = "phaen_bench"


@dataclass(frozen=True)
class BenchDatabase:
    backend: str  # "postgresql" or "sqlite"
    url: str  # what DATABASE_URL is set to for Django
    name: str  # database name (PostgreSQL) or file path (SQLite)
    server: dict[str, str]  # PostgreSQL connection parameters (no database name)

    def describe(self) -> str:
        if self.backend == "postgresql":
            host = self.server.get("host") or "(socket)"
            return f"PostgreSQL database {self.name!r} on {host}:{self.server.get('port') or 5432}"
        return f"SQLite file {self.name}"

    # Life cycle --------------------------------------------------------------------------------

    def recreate(self) -> None:
        """Drop the bench database if it exists and create it empty."""
        if self.backend == "postgresql":
            self._maintenance("DROP DATABASE IF EXISTS {} WITH (FORCE)")
            self._maintenance("CREATE DATABASE {}")
        else:
            self._remove_sqlite_files()
            Path(self.name).parent.mkdir(parents=True, exist_ok=True)

    def drop(self) -> None:
        if self.backend == "postgresql":
            self._maintenance("DROP DATABASE IF EXISTS {} WITH (FORCE)")
        else:
            self._remove_sqlite_files()

    def exists(self) -> bool:
        if self.backend == "sqlite":
            return Path(self.name).exists()
        import psycopg

        with psycopg.connect(dbname="postgres", autocommit=True, **self.server) as conn:
            row = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [self.name])
            return row.fetchone() is not None

    def _maintenance(self, statement: str) -> None:
        import psycopg
        from psycopg import sql

        query = sql.SQL(statement).format(sql.Identifier(self.name))  # type: ignore[arg-type]
        with psycopg.connect(dbname="postgres", autocommit=True, **self.server) as conn:
            conn.execute(query)

    def _remove_sqlite_files(self) -> None:
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(self.name + suffix).unlink(missing_ok=True)


def default_name(database_url: str | None) -> str:
    """The database a URL names when that name contains ``bench`` (so
    ``.../phaen_bench_budget`` works as written), else ``phaen_bench``: a database that is not
    a bench database is never the one the script drops and fills."""
    if database_url and not database_url.startswith("sqlite"):
        name = str(dj_database_url.parse(database_url).get("NAME") or "")
        if "bench" in name:
            return name
    return DEFAULT_NAME


def bench_database(database_url: str | None, name: str | None = None) -> BenchDatabase:
    """The bench database for ``DATABASE_URL`` (PostgreSQL server, or SQLite when unset)."""
    name = name or default_name(database_url)
    if "bench" not in name:
        raise SystemExit(f"refusing database name {name!r}: a bench database name contains 'bench'")
    if not database_url or database_url.startswith("sqlite"):
        path = BENCH_DIR / f"{name}.sqlite3"
        return BenchDatabase("sqlite", f"sqlite:///{path}", str(path), {})
    config = dj_database_url.parse(database_url)
    if "postgresql" not in config["ENGINE"]:
        raise SystemExit(f"unsupported DATABASE_URL engine {config['ENGINE']}: use PostgreSQL")
    server = {
        key: str(config[field])
        for key, field in (("host", "HOST"), ("port", "PORT"), ("user", "USER"))
        if config.get(field)
    }
    if config.get("PASSWORD"):
        server["password"] = str(config["PASSWORD"])
    auth = quote(server.get("user", ""), safe="")
    if "password" in server:
        auth += ":" + quote(server["password"], safe="")
    netloc = f"{auth}@" if auth else ""
    netloc += server.get("host", "")
    if "port" in server:
        netloc += f":{server['port']}"
    return BenchDatabase("postgresql", f"postgres://{netloc}/{name}", name, server)
