"""Storing a batch of audit records in parts, with the event loop's other work between them.

In `modelgw serve` the spool sender stores its batches on the same event loop that serves
requests, and a batch of a hundred records is ~20 ms of CPU (reading the protobuf,
hashing the chain, building the insert's parameters). Done in one go it held up the
requests that arrived meanwhile; done in parts with only a turn of the loop between them
(`asyncio.sleep(0)`), the loop alternated a part and a request's step, and a request
arriving during a batch still took 5-18 ms instead of 2.4 (one caller,
`python -m bench.gateway.tail`): every step of it waited for a part. A short pause after
each part gives the requests the loop for whole steps. But only while the sender keeps up:
at full load it needs its share of the loop in large pieces (`AT_ONCE`), or the spool
falls behind (`SpoolSender` chooses).
"""

from __future__ import annotations

import asyncio
import sys
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Pacing:
    every: int
    """Records read, hashed or inserted per part."""
    pause_s: float = 0.0
    """How long the loop is left to others after each part (0: one turn of the loop)."""

    async def after(self, done: int) -> None:
        """Call after each record with the number done so far: pauses after every part."""
        if done % self.every == 0:
            await asyncio.sleep(self.pause_s)


AT_ONCE = Pacing(every=sys.maxsize)
"""No pause: the whole batch in one go, as fast as the loop allows. The default: for the
audit service's ingest, the CLI, and a spool sender that has fallen behind (turns of the
loop between parts, `asyncio.sleep(0)`, were already too many there: at c=32 on the bare
path the spool fell behind by ~0.5 MB a second)."""
BACKGROUND = Pacing(every=8, pause_s=0.002)
"""For the spool sender beside the request path while it keeps up: 2 ms for requests
after each part of 8 records (at one caller p99 10.7 -> 5.6-6.4 ms, p99.9 15 -> 9.3 ms)."""
