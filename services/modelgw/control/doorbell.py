"""Wake the tasks that follow the change feed; a ring carries no data, the feed does.

A follower takes a `token()` before it reads the feed and waits on that token
afterwards: a ring that came while it was reading wakes it at once instead of
being lost until the next periodic check.
"""

from __future__ import annotations

import asyncio
import contextlib


class Doorbell:
    def __init__(self) -> None:
        self._event = asyncio.Event()
        self.rings = 0

    def token(self) -> asyncio.Event:
        return self._event

    def ring(self) -> None:
        self.rings += 1
        event, self._event = self._event, asyncio.Event()
        event.set()

    @staticmethod
    async def wait(token: asyncio.Event, timeout_s: float) -> bool:
        """Until a ring after `token` was taken, or `timeout_s`; whether it rang."""
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(timeout_s):
                await token.wait()
        return token.is_set()
