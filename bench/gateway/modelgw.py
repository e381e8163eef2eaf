"""modelgw as a target: `modelgw serve` from this checkout, embedded or with Postgres and Redis.

Both run the code of this checkout (its `services/` first on PYTHONPATH) with the
mock as their one `openai_compatible` backend and the response cache off.
`modelgw-pg-redis` writes its audit log to a database of its own on the shared
Postgres (created at install, dropped at stop) and counts quotas in the shared
Redis under a key prefix of its own (its keys deleted at stop; nothing else is
touched).
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from pathlib import Path

from bench.gateway.load import Endpoint
from bench.gateway.mock import MODEL
from bench.gateway.targets import ROOT, Target, TargetProblem
from tests.ports import free_port


class Modelgw(Target):
    """`modelgw serve` from this checkout, embedded defaults with the mock as its one backend."""

    name = "modelgw"
    summary = "modelgw serve, embedded defaults (SQLite audit, in-process quotas), cache off"
    KEY = "mgw_bench_gateway_0123456789abcdef"

    def install(self) -> None:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "services"], cwd=ROOT, capture_output=True, text=True
        ).stdout.strip()
        self.version = f"{head}{'+changes' if dirty else ''} (this checkout)"

    def config(self) -> dict[str, object]:
        from modelgw.common.config.defaults import embedded_config

        config = embedded_config(self.KEY).model_dump(mode="json", exclude_defaults=True)
        config["cache"] = {"backend": "none"}
        config["providers"] = {"mock": {"type": "openai_compatible", "base_url": self.mock_url}}
        config["models"] = {MODEL: {"route": [{"provider": "mock"}]}}
        return config

    def launch(self) -> tuple[list[str], dict[str, str], Path]:
        path = self.workdir / "modelgw.yaml"
        path.write_text(json.dumps(self.config(), indent=1))  # JSON is YAML
        env = {
            **os.environ,
            "MODELGW_STATE_DIR": str(self.workdir / "state"),
            "PYTHONPATH": os.pathsep.join([str(ROOT / "services"), str(ROOT)]),
        }
        command = [
            sys.executable, "-m", "modelgw.cli", "--log-level", "WARNING", "serve",
            "--config", str(path), "--listen", f"127.0.0.1:{free_port()}",
            "--http-listen", f"127.0.0.1:{self.port}",
        ]  # fmt: skip
        return command, env, self.workdir

    def endpoint(self) -> Endpoint:
        return Endpoint(self.port, headers=(("authorization", f"Bearer {self.KEY}"),))


class ModelgwShared(Modelgw):
    """The same, with the audit log in Postgres and quotas counted in Redis (a deployment's)."""

    name = "modelgw-pg-redis"
    summary = (
        "modelgw serve, audit in Postgres, quotas in Redis (a high limit, so every request "
        "is counted), cache off"
    )
    PG_ADMIN = os.environ.get("MODELGW_TEST_PG_DSN", "postgresql://postgres@127.0.0.1:5432/test")
    REDIS_URL = os.environ.get("MODELGW_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")

    def __init__(self, mock_port: int, workdir: Path, cache: Path, port: int) -> None:
        super().__init__(mock_port, workdir, cache, port)
        self.database = f"modelgw_bench_gateway_{os.getpid()}"
        self.key_prefix = f"modelgw-bench-gateway:{os.getpid()}"

    def install(self) -> None:
        super().install()
        asyncio.run(self._admin(f'CREATE DATABASE "{self.database}"'))

    async def _admin(self, statement: str) -> None:
        import asyncpg

        try:
            conn = await asyncpg.connect(self.PG_ADMIN, timeout=10)
        except (OSError, asyncpg.PostgresError) as exc:
            raise TargetProblem(f"Postgres at {self.PG_ADMIN} unreachable: {exc}") from exc
        try:
            await conn.execute(statement)
        finally:
            await conn.close()

    def config(self) -> dict[str, object]:
        config = super().config()
        pg = self.PG_ADMIN.rsplit("/", 1)[0].replace("postgresql://", "postgresql+asyncpg://")
        config["audit"] = {"url": f"{pg}/{self.database}"}
        config["quotas"] = {
            "store": "redis",
            "redis_url": self.REDIS_URL,
            "key_prefix": self.key_prefix,
        }
        tenants = config["tenants"]
        assert isinstance(tenants, dict)
        for tenant in tenants.values():
            tenant["quotas"] = {"requests_per_minute": 100_000_000}
        return config

    def stop(self) -> None:
        super().stop()
        import redis

        client = redis.Redis.from_url(self.REDIS_URL)
        keys = list(client.scan_iter(f"{self.key_prefix}:*", count=1000))
        if keys:
            client.delete(*keys)  # only this run's keys; the Redis is shared
        client.close()
        asyncio.run(self._admin(f'DROP DATABASE IF EXISTS "{self.database}" WITH (FORCE)'))
