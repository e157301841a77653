"""A throwaway PostgreSQL server for the tests: its own cluster in a temp dir, on a free port."""

from __future__ import annotations

import atexit
import os
import pwd
import re
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

MISSING = "PostgreSQL server binaries not found (install the postgresql package)"
PORT_ATTEMPTS = 3


def find_bin_dir() -> Path | None:
    """The newest Debian version dir holding initdb and pg_ctl, else the one on PATH."""

    def version(bin_dir: Path) -> tuple[int, ...]:
        return tuple(int(part) for part in re.findall(r"\d+", bin_dir.parent.name))

    bin_dirs = sorted(
        (p.parent for p in Path("/usr/lib/postgresql").glob("*/bin/initdb")), key=version
    )
    found = [d for d in bin_dirs if (d / "pg_ctl").exists()]
    if found:
        return found[-1]
    initdb = shutil.which("initdb")
    if initdb and shutil.which("pg_ctl", path=str(Path(initdb).parent)):
        return Path(initdb).parent
    return None


def _free_port() -> int:
    # The kernel picks an unused port; the tiny race until postgres binds it is acceptable in tests.
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _server_user() -> pwd.struct_passwd:
    try:
        return pwd.getpwnam("postgres")
    except KeyError:
        raise RuntimeError("running as root needs the `postgres` user to run the server") from None


class PgServer:
    """One running cluster; trust auth for the `postgres` role on 127.0.0.1 only."""

    def __init__(self, bin_dir: Path, max_connections: int = 100) -> None:
        self.bin_dir = bin_dir
        self.max_connections = max_connections  # a county's 120 stations need more than 100
        self.port = _free_port()
        # initdb and postgres refuse to run as root: run them as the user the Debian package makes.
        user = _server_user() if os.geteuid() == 0 else None
        # Under /tmp (world-traversable), not pytest's 0700 root-owned tmp dirs: when we run as
        # root the server runs as the `postgres` user and must reach its data and socket dir.
        self.root = Path(tempfile.mkdtemp(prefix="pcso-pg-", dir="/tmp"))
        self.data = self.root / "data"
        self.log = self.root / "server.log"
        self._prefix: list[str] = []
        if user is not None:
            os.chown(self.root, user.pw_uid, user.pw_gid)
            self._prefix = ["runuser", "-u", "postgres", "--"]
        self._running = False

    def _run(self, *args: str, timeout: float = 60, check: bool = True) -> None:
        cmd = [*self._prefix, str(self.bin_dir / args[0]), *args[1:]]
        # cwd: the server user may not be able to read the caller's working directory.
        done = subprocess.run(
            cmd, cwd=self.root, capture_output=True, text=True, timeout=timeout, check=False
        )
        if check and done.returncode != 0:
            log = self.log.read_text(errors="replace")[-2000:] if self.log.exists() else ""
            raise RuntimeError(f"{' '.join(cmd)} failed:\n{done.stdout}{done.stderr}\n{log}")

    def start(self) -> None:
        self._run(
            "initdb", "-D", str(self.data), "--auth=trust", "--username=postgres",
            "--encoding=UTF8", "--no-locale", "--no-sync",
        )  # fmt: skip
        # The `postgres` owner role signs in without a password (the tests' own); every other
        # role (the stations') with its SCRAM password, as on a real hub.
        hba = self.data / "pg_hba.conf"
        hba.write_text(
            "local all all trust\n"
            "host all postgres 127.0.0.1/32 trust\n"
            "host all all 127.0.0.1/32 scram-sha-256\n",
            encoding="utf-8",
        )
        # Registered before start so a crashed session still stops the server on exit.
        atexit.register(self.stop)
        for attempt in range(PORT_ATTEMPTS):
            options = (
                f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1"
                f" -c fsync=off -c max_connections={self.max_connections}"
            )
            self._running = True
            try:
                self._run(
                    "pg_ctl", "-D", str(self.data), "-o", options, "-l", str(self.log), "-w",
                    "start",
                )  # fmt: skip
                return
            except RuntimeError as failed:
                self._running = False
                # Another process (a parallel worker, another session) took the free port
                # between _free_port() and the server binding it: try another one.
                if "already in use" not in str(failed) or attempt == PORT_ATTEMPTS - 1:
                    raise
                self.port = _free_port()

    def stop(self) -> None:
        if self._running:
            self._running = False
            # Immediate: no checkpoint needed, the whole cluster is deleted next.
            self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop", check=False)
        shutil.rmtree(self.root, ignore_errors=True)

    def url(self, dbname: str) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{dbname}"

    def create_database(self, name: str) -> str:
        import psycopg  # here, so conftest imports cheaply even before the venv has it
        from psycopg import sql

        conninfo = f"host=127.0.0.1 port={self.port} user=postgres dbname=postgres"
        # CREATE DATABASE cannot run inside a transaction block.
        with psycopg.connect(conninfo, autocommit=True) as conn:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        return self.url(name)


def running_pg_server() -> Iterator[PgServer]:
    """Body of the session fixture: skip without binaries, except under CI where that fails."""
    bin_dir = find_bin_dir()
    if bin_dir is None:
        if os.environ.get("CI") == "true":
            pytest.fail(f"{MISSING}; under CI the PostgreSQL tests must run, not skip")
        pytest.skip(MISSING)
    server = PgServer(bin_dir)
    try:
        server.start()
        yield server
    finally:
        server.stop()
