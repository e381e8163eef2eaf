"""The unit tier's guard: Postgres and Redis are out of reach, whichever client tries."""

from __future__ import annotations

import socket

import asyncpg
import pytest
import redis.asyncio as aioredis

from tests.unit.conftest import ServerConnectionInUnitTest


def test_a_plain_socket_to_postgres_is_refused_and_recorded(
    no_postgres_or_redis: list[str],
) -> None:
    with socket.socket() as sock, pytest.raises(ServerConnectionInUnitTest):
        sock.connect(("127.0.0.1", 5432))
    assert no_postgres_or_redis == ["127.0.0.1:5432"]
    no_postgres_or_redis.clear()  # made on purpose: the test would fail at teardown


async def test_the_real_clients_are_refused_and_recorded(no_postgres_or_redis: list[str]) -> None:
    client = aioredis.Redis.from_url("redis://127.0.0.1:6379/0")
    try:
        with pytest.raises(aioredis.ConnectionError):
            await client.ping()
    finally:
        await client.aclose()
    with pytest.raises(OSError):
        await asyncpg.connect("postgresql://postgres@127.0.0.1:5432/test", timeout=5)
    assert {"127.0.0.1:6379", "127.0.0.1:5432"} <= set(no_postgres_or_redis)
    no_postgres_or_redis.clear()


def test_other_ports_stay_open(no_postgres_or_redis: list[str]) -> None:
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(1)
        with socket.create_connection(server.getsockname(), timeout=5):
            pass
    assert no_postgres_or_redis == []
