"""Steady concurrent Generate traffic for fault tests, remembering what was answered and when."""

from __future__ import annotations

import asyncio

import grpc

from modelgw.api.v1 import gateway_pb2_grpc
from tests.harness import generate_request


class Load:
    """`workers` callers, each sending one request after the other until `stop()`.

    A request counts as answered only when its caller got the reply; `failed`
    maps every other request id to the status it got. Requests answered while
    `marking` is set are also listed in `marked` (e.g. "during the outage").
    """

    def __init__(
        self, channel: grpc.aio.Channel, auth: tuple[tuple[str, str], ...], workers: int
    ) -> None:
        self._stub = gateway_pb2_grpc.GatewayStub(channel)
        self._auth = auth
        self._workers = workers
        self._stop = asyncio.Event()
        self._tasks: list[asyncio.Task[None]] = []
        self.answered: list[str] = []
        self.failed: dict[str, str] = {}
        self.marked: list[str] = []
        self.marking = asyncio.Event()

    def start(self, prefix: str = "w") -> None:
        self._stop.clear()
        self._tasks = [
            asyncio.create_task(self._worker(f"{prefix}{n}")) for n in range(self._workers)
        ]

    async def stop(self) -> None:
        self._stop.set()
        await asyncio.gather(*self._tasks)

    async def _worker(self, name: str) -> None:
        i = 0
        while not self._stop.is_set():
            i += 1
            request_id = f"{name}-{i}"
            prompt = f"Customer jane.roe@example.com asks about invoice {name}/{i}"
            try:
                await self._stub.Generate(
                    generate_request(prompt, request_id=request_id), metadata=self._auth, timeout=30
                )
            except grpc.aio.AioRpcError as exc:
                self.failed[request_id] = f"{exc.code().name}: {exc.details()}"
                await asyncio.sleep(0.05)  # a dead gateway fails fast: do not spin
                continue
            self.answered.append(request_id)
            if self.marking.is_set():
                self.marked.append(request_id)
