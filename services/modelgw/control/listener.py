"""Postgres LISTEN: ring the doorbell when any control replica commits a change.

Writers `pg_notify` inside the transaction that appends to the change feed, so
the notification is sent on commit and never for a change that rolled back.
The listener holds one dedicated asyncpg connection; when it is lost it
reconnects with backoff and rings once connected again, so a follower re-reads
the feed and catches what it missed while the bus was down (and the periodic
check catches it even if the bus never comes back).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

from modelgw.common.config.database import DatabaseTimeouts
from modelgw.control.doorbell import Doorbell

log = logging.getLogger(__name__)

CHANNEL = "modelgw_control"
APPLICATION_NAME = "modelgw-control-listen"
"""How the listening connection shows in `pg_stat_activity`."""
_PING_S = 10.0
"""How often an idle listening connection is checked (a half-open TCP connection never
reports itself lost)."""


class PgListener:
    def __init__(
        self,
        dsn: str,
        doorbell: Doorbell,
        *,
        retry_max_s: float = 5.0,
        timeouts: DatabaseTimeouts | None = None,
    ) -> None:
        """`timeouts`: the control store's; they bound connecting and each ping."""
        timeouts = timeouts or DatabaseTimeouts()
        self._connect_s = timeouts.connect_timeout_s
        self._ping_timeout_s = min(timeouts.statement_timeout_s, _PING_S)
        self._dsn = dsn
        self._doorbell = doorbell
        self._retry_max_s = retry_max_s
        self._task: asyncio.Task[None] | None = None
        self.connected = asyncio.Event()

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.ensure_future(self._run())
            self._task.set_name("control-listen")

    async def _run(self) -> None:
        backoff = 0.2
        while True:
            try:
                await self._listen_once()
                backoff = 0.2
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                log.warning("control change notifications lost (%s); reconnecting", exc)
            self.connected.clear()
            await asyncio.sleep(backoff)
            backoff = min(backoff * 2, self._retry_max_s)

    async def _listen_once(self) -> None:
        import asyncpg  # here: a gateway whose control store is SQLite never listens (issue 19)

        conn: Any = await asyncpg.connect(
            self._dsn,
            timeout=self._connect_s,
            server_settings={"application_name": APPLICATION_NAME},
        )
        lost = asyncio.Event()
        try:
            conn.add_termination_listener(lambda _conn: lost.set())
            await conn.add_listener(CHANNEL, self._notified)
            self.connected.set()
            self._doorbell.ring()  # whatever happened while we were not listening
            while not lost.is_set():
                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout(_PING_S):
                        await lost.wait()
                if not lost.is_set():
                    async with asyncio.timeout(self._ping_timeout_s):
                        await conn.execute("SELECT 1")
            raise ConnectionError("listening connection closed")
        finally:
            with contextlib.suppress(Exception):
                await conn.close(timeout=1.0)

    def _notified(self, _conn: object, _pid: int, _channel: str, _payload: str) -> None:
        self._doorbell.ring()

    async def close(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
