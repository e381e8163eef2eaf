"""A worker's Generate replies read ahead, handed over in batches of what has come in.

An engine on a GPU sends a reply per token, thousands per second across
requests, and everything after the read (detokenizing, metrics, scanning,
restoring, the send to the caller) costs about the same for one token as for
twenty. Read one reply at a time, a busy gateway falls behind the engine and
stays behind. So the replies are read in their own task, and the stream takes
all that arrived while it was busy at once: on an idle gateway that is one
reply (no added latency), on a busy one many, and the per-reply work shrinks
as the load grows. vLLM's own output collector merges outputs for a slow
consumer the same way.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterable

from smg_grpc_proto.generated import vllm_engine_pb2

MAX_PENDING = 4096
"""Replies read ahead at most (a token each): the read waits while the stream is this far
behind, so a stalled caller holds back the worker through gRPC flow control as before."""


class ReplyDrain:
    """Reads `replies` in a task; `take()` returns every reply read since the last take."""

    def __init__(self, replies: AsyncIterable[vllm_engine_pb2.GenerateResponse]) -> None:
        self._replies = replies
        self._pending: list[vllm_engine_pb2.GenerateResponse] = []
        self._arrived = asyncio.Event()
        self._room = asyncio.Event()
        self._room.set()
        self._ended = False
        self._error: BaseException | None = None
        self._task = asyncio.get_running_loop().create_task(self._read())

    async def _read(self) -> None:
        try:
            async for reply in self._replies:
                self._pending.append(reply)
                self._arrived.set()
                if reply.WhichOneof("response") == "complete":
                    break
                if len(self._pending) >= MAX_PENDING:
                    self._room.clear()
                    await self._room.wait()
        except Exception as exc:  # the stream's failure, raised to the taker in order
            self._error = exc
        finally:
            self._ended = True
            self._arrived.set()

    async def take(self) -> list[vllm_engine_pb2.GenerateResponse]:
        """The replies read so far, waiting for one if none is; empty once the stream ended.

        Raises the stream's error after the replies that came before it."""
        if not self._pending and not self._ended:
            self._arrived.clear()
            await self._arrived.wait()
        batch, self._pending = self._pending, []
        self._room.set()
        if not batch and self._error is not None:
            raise self._error
        return batch

    def close(self) -> None:
        """Stop reading (the stream is over, or abandoned); the call itself is the caller's
        to abort or cancel."""
        self._task.cancel()
