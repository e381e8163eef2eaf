"""Fixtures shared by every test tier.

Postgres and Redis are the real servers on 127.0.0.1 (override with
MODELGW_TEST_PG_DSN / MODELGW_TEST_REDIS_URL). Each test session gets its own
Postgres database and Redis key prefix, so parallel runs (a developer and CI
on one machine) never see each other's data.
"""

from __future__ import annotations

import contextlib
import os
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import asyncpg
import pytest

from tests.ports import free_port

ROOT = Path(__file__).resolve().parent.parent
PG_DSN = os.environ.get("MODELGW_TEST_PG_DSN", "postgresql://postgres@127.0.0.1:5432/test")
REDIS_URL = os.environ.get("MODELGW_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        tier = Path(str(item.fspath)).relative_to(ROOT / "tests").parts[0]
        if tier in {"integration", "e2e", "fuzz"}:
            item.add_marker(getattr(pytest.mark, tier))


@pytest.fixture(scope="session")
def span_exporter():
    """Every span the test process finishes (OpenTelemetry allows one provider per process)."""
    from opentelemetry.sdk.trace.export import SimpleSpanProcessor
    from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

    from modelgw.common.config.schema import TelemetryConfig
    from modelgw.common.telemetry import build_tracer_provider, install_tracer_provider

    exporter = InMemorySpanExporter()
    provider = build_tracer_provider(
        TelemetryConfig(), service="tests", extra_processors=[SimpleSpanProcessor(exporter)]
    )
    install_tracer_provider(provider)
    return exporter


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return ROOT


@pytest.fixture
def unused_port() -> int:
    return free_port()


async def _create_database(name: str) -> None:
    conn = await asyncpg.connect(PG_DSN)
    try:
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()


async def _drop_database(name: str) -> None:
    conn = await asyncpg.connect(PG_DSN)
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await conn.close()


@contextlib.asynccontextmanager
async def fresh_pg_database() -> AsyncIterator[str]:
    """Create a uniquely named Postgres database, yield its asyncpg DSN, drop it afterwards."""
    name = f"modelgw_test_{uuid.uuid4().hex[:12]}"
    try:
        await _create_database(name)
    except (OSError, asyncpg.PostgresError) as exc:
        pytest.fail(f"Postgres at {PG_DSN} is required for this test: {exc}")
    base = PG_DSN.rsplit("/", 1)[0]
    try:
        yield f"{base}/{name}"
    finally:
        await _drop_database(name)


def sqlalchemy_url(dsn: str) -> str:
    return dsn.replace("postgresql://", "postgresql+asyncpg://", 1)


@pytest.fixture
async def pg_database() -> AsyncIterator[str]:
    """A fresh, empty Postgres database for one test; yields its asyncpg DSN."""
    async with fresh_pg_database() as dsn:
        yield dsn


@pytest.fixture
def pg_sqlalchemy_url(pg_database: str) -> str:
    """The same fresh database as a SQLAlchemy async URL."""
    return sqlalchemy_url(pg_database)


@pytest.fixture
def redis_prefix() -> Iterator[str]:
    """A key prefix private to one test; its keys are deleted afterwards."""
    import redis

    prefix = f"modelgw-test:{uuid.uuid4().hex[:12]}:"
    yield prefix
    client = redis.Redis.from_url(REDIS_URL)
    try:
        keys = list(client.scan_iter(match=prefix + "*"))
        if keys:
            client.delete(*keys)
    finally:
        client.close()


@pytest.fixture(scope="session")
def trust_engine():
    """One trust engine (spaCy model loaded once) for the whole session.

    Its deadline is generous: CI machines are loaded, and the tests that use this engine
    are about what the gateway does with an answer, not about detection speed (the
    deadline's own tests build engines with a short one).
    """
    from modelgw.common.config.schema import TrustConfig
    from modelgw.trust.engine import TrustEngine

    engine = TrustEngine(TrustConfig(deadline_ms=15_000))
    yield engine
    engine.close()


# Real vLLM workers for tests/integration/test_vllm_*.py (started once per session, on demand).
from tests.vllm_support.workers import tiny_model_dir, vllm_workers  # noqa: E402, F401
