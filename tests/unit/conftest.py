"""The unit tier needs no Postgres and no Redis: a test here that connects to either fails.

A refused connection alone would not do: the code under test often survives it
(the response cache takes a failed read as a miss, the quota step may fail
open), so a unit test could pass against a dead server and prove nothing. So
every connection attempt to the Postgres or Redis port is refused *and*
recorded, and a test that made one fails at teardown with what it tried to
reach. Tests that need the real servers belong in tests/integration.

The same promise, checked from outside (both servers pointed at a dead port):

    MODELGW_TEST_PG_DSN=postgresql://postgres@127.0.0.1:1/test \\
    MODELGW_TEST_REDIS_URL=redis://127.0.0.1:1/0 .venv/bin/pytest tests/unit
"""

from __future__ import annotations

import socket
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest

from tests.conftest import PG_DSN, REDIS_URL


def _server_ports() -> frozenset[int]:
    """The default ports and those the test run was pointed at."""
    ports = {5432, 6379}
    for url in (PG_DSN, REDIS_URL):
        port = urlsplit(url).port
        if port is not None:
            ports.add(port)
    return frozenset(ports)


SERVER_PORTS = _server_ports()


class ServerConnectionInUnitTest(ConnectionRefusedError):
    """A unit test tried to reach Postgres or Redis (refused like a dead server)."""


@pytest.fixture(autouse=True)
def no_postgres_or_redis(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """The attempts so far (`host:port`); a test that makes one on purpose clears them."""
    attempts: list[str] = []
    connect, connect_ex = socket.socket.connect, socket.socket.connect_ex

    def refused(address: Any) -> bool:
        if isinstance(address, tuple) and len(address) >= 2 and address[1] in SERVER_PORTS:
            attempts.append(f"{address[0]}:{address[1]}")
            return True
        return False

    def guarded_connect(sock: socket.socket, address: Any) -> None:
        if refused(address):
            raise ServerConnectionInUnitTest(f"unit tests may not connect to {address!r}")
        connect(sock, address)

    def guarded_connect_ex(sock: socket.socket, address: Any) -> int:
        if refused(address):
            raise ServerConnectionInUnitTest(f"unit tests may not connect to {address!r}")
        return connect_ex(sock, address)

    monkeypatch.setattr(socket.socket, "connect", guarded_connect)
    monkeypatch.setattr(socket.socket, "connect_ex", guarded_connect_ex)
    yield attempts
    if attempts:
        pytest.fail(
            f"a unit test connected to Postgres/Redis ({', '.join(sorted(set(attempts)))}); "
            "tests that need the servers belong in tests/integration",
            pytrace=False,
        )
