"""A throwaway PostgreSQL server for tests and benchmarks: `initdb` into a temporary folder,
`pg_ctl start` on a free loopback port, trust authentication, no fsync; `stop()` removes it all.

PostgreSQL refuses to run as root, so under root the server runs as the `postgres` user (Debian's
package creates it), else as `nobody`, in a folder that user owns. The binaries come from PATH,
else from the newest `/usr/lib/postgresql/*/bin` (where Debian's `postgresql` package puts them).
"""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import psycopg

SUPERUSER = "postgres"
SERVER_OPTIONS = "-F -c max_connections=300 -c synchronous_commit=off -c full_page_writes=off"


class PostgresUnavailableError(RuntimeError):
    """No PostgreSQL binaries, or the server would not start; the message says which."""


def find_bin_dir() -> Path | None:
    """The folder of `initdb` and `pg_ctl`, or None when PostgreSQL is not installed."""
    on_path = shutil.which("initdb")
    if on_path and shutil.which("pg_ctl"):
        return Path(on_path).parent
    debian = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=_major, reverse=True)
    return debian[0].parent if debian else None


def _major(path: Path) -> int:
    version = path.parent.parent.name
    return int(version) if version.isdigit() else 0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@dataclass
class ScratchPostgres:
    """A running throwaway server; `url(db)` is a SQLAlchemy URL for database `db`."""

    bin_dir: Path
    root: Path
    port: int
    user: pwd.struct_passwd | None

    @property
    def data(self) -> Path:
        return self.root / "data"

    def url(self, database: str) -> str:
        return f"postgresql+psycopg://{SUPERUSER}@127.0.0.1:{self.port}/{database}"

    def create_database(self, name: str, template: str | None = None) -> str:
        """Create database `name` (a copy of `template` when given); its URL."""
        with psycopg.connect(self._dsn, autocommit=True) as conn:
            suffix = f' TEMPLATE "{template}"' if template else ""
            conn.execute(f'CREATE DATABASE "{name}"{suffix}'.encode())
        return self.url(name)

    def drop_database(self, name: str) -> None:
        with psycopg.connect(self._dsn, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'.encode())

    @property
    def _dsn(self) -> str:
        return f"host=127.0.0.1 port={self.port} user={SUPERUSER} dbname=postgres"

    def run(self, *args: str) -> None:
        _run(self, [str(self.bin_dir / args[0]), *args[1:]])

    def stop(self) -> None:
        with contextlib.suppress(subprocess.CalledProcessError, OSError):
            self.run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        shutil.rmtree(self.root, ignore_errors=True)


def start(bin_dir: Path | None = None) -> ScratchPostgres:
    """Start a server; raises `PostgresUnavailableError` saying why it could not."""
    bin_dir = bin_dir or find_bin_dir()
    if bin_dir is None:
        raise PostgresUnavailableError(
            "PostgreSQL is not installed: no initdb on PATH or in /usr/lib/postgresql/*/bin "
            "(Debian: apt-get install postgresql)"
        )
    user = _unprivileged_user()
    root = Path(tempfile.mkdtemp(prefix="suanli-pg-"))
    if user is not None:
        os.chown(root, user.pw_uid, user.pw_gid)
    server = ScratchPostgres(bin_dir, root, free_port(), user)
    try:
        _init_and_start(server)
    except (subprocess.CalledProcessError, OSError) as e:
        output = getattr(e, "stderr", b"") or b""
        log = output.decode(errors="replace") + _tail(root / "server.log")
        server.stop()
        raise PostgresUnavailableError(f"PostgreSQL did not start: {e}\n{log}") from e
    return server


def _init_and_start(server: ScratchPostgres) -> None:
    data, sockets = str(server.data), str(server.root)
    server.run(
        "initdb",
        "-D",
        data,
        "-U",
        SUPERUSER,
        "-A",
        "trust",
        "-E",
        "UTF8",
        "--locale=C",
        "--no-sync",
    )
    options = f"-p {server.port} -h 127.0.0.1 -k {sockets} {SERVER_OPTIONS}"
    log = str(server.root / "server.log")
    server.run("pg_ctl", "-D", data, "-l", log, "-o", options, "-w", "-t", "60", "start")


def _unprivileged_user() -> pwd.struct_passwd | None:
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "nobody"):
        with contextlib.suppress(KeyError):
            return pwd.getpwnam(name)
    raise PostgresUnavailableError("running as root with no 'postgres' or 'nobody' user")


def _run(server: ScratchPostgres, argv: list[str]) -> None:
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LC_ALL": "C"}
    user = server.user
    if user is None:
        subprocess.run(argv, cwd=server.root, env=env, check=True, capture_output=True)
        return
    subprocess.run(
        argv,
        cwd=server.root,
        env=env,
        check=True,
        capture_output=True,
        user=user.pw_uid,
        group=user.pw_gid,
        extra_groups=[],
    )


def _tail(path: Path, lines: int = 20) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""
