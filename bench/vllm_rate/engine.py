"""A fake vLLM engine that decodes at a set aggregate rate: a GPU's token rate without a GPU.

It speaks vLLM's gRPC API (`VllmEngine`: GetTokenizer, Generate, Abort,
GetLoads, HealthCheck) as a real worker does, so the gateway's `vllm` backend
talks to it unchanged. Its scheduler is shaped like vLLM's continuous
batching: each decode step gives one token to every running request, and a
new request joins at the next step. Steps are paced so that the tokens of all
requests together come at `rate` tokens/s: with n requests running a step
takes n / rate seconds. When a client reads slower than the engine decodes,
its pending tokens go out as one chunk, as vLLM's output collector merges the
outputs a slow consumer has not taken yet; so the engine never waits for its
readers, and the rate a reader gets shows what the reader keeps up with.

    python -m bench.vllm_rate.engine --rate 5000 --port 50051

The answer is ordinary English words repeated up to `max_tokens` (default
256), so a response scanner sees no personal data in it.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import hashlib
import itertools
import tempfile
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path

import grpc
from smg_grpc_proto.generated import common_pb2, vllm_engine_pb2, vllm_engine_pb2_grpc
from tokenizers import Tokenizer

from tests.vllm_support.fake_engine import tokenizer_bundle

ANSWER = (
    "The quick brown fox jumps over the lazy dog, and the gateway answers the "
    "world with a helpful and brief answer about the code. "
)
DEFAULT_MAX_TOKENS = 256
MAX_DEBT_S = 0.02
"""How far behind its schedule the pacer may fall before it forgets the lost time: a
stall (a GC pause, a busy core) may be caught up by this much, never by a burst."""


@dataclass(eq=False)
class Stream:
    """One running request: the tokens decoded for it that its reader has not taken yet."""

    ids: list[int]
    """The whole answer, decoded one token per step."""
    pending: list[int] = field(default_factory=list)
    decoded: int = 0
    ready: asyncio.Event = field(default_factory=asyncio.Event)

    @property
    def done(self) -> bool:
        return self.decoded >= len(self.ids)

    def step(self) -> None:
        self.pending.append(self.ids[self.decoded])
        self.decoded += 1
        self.ready.set()

    def take(self) -> list[int]:
        taken, self.pending = self.pending, []
        self.ready.clear()
        return taken


class Pacer:
    """The engine's scheduler: decode steps over the running requests at `rate` tokens/s."""

    def __init__(self, rate: float) -> None:
        if rate <= 0:
            raise ValueError("rate must be positive")
        self.rate = rate
        self.running: list[Stream] = []
        self.tokens = 0
        """Tokens decoded since start, for the smoke test and the engine's own log."""
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.get_running_loop().create_task(self._run())

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    def admit(self, stream: Stream) -> None:
        self.running.append(stream)
        self._wake.set()

    def leave(self, stream: Stream) -> None:
        with contextlib.suppress(ValueError):
            self.running.remove(stream)

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        due = loop.time()
        while True:
            if not self.running:
                self._wake.clear()
                await self._wake.wait()
                due = loop.time()
            now = loop.time()
            if due > now:
                await asyncio.sleep(due - now)  # the timer's resolution is about 1 ms
                now = loop.time()
            due = max(due, now - MAX_DEBT_S)
            # Every step due by now, back to back (a reader that has not sent yet gets its
            # tokens as one chunk); then the loop's turn, so the readers can send.
            while due <= now and self.running:
                due += len(self.running) / self.rate
                for stream in list(self.running):
                    stream.step()
                    self.tokens += 1
                    if stream.done:
                        self.running.remove(stream)
            await asyncio.sleep(0)


class RateEngine(vllm_engine_pb2_grpc.VllmEngineServicer):
    def __init__(self, tokenizer: Tokenizer, bundle: bytes, pacer: Pacer) -> None:
        self.tokenizer = tokenizer
        self.bundle = bundle
        self.pacer = pacer
        self.answer = tokenizer.encode(ANSWER, add_special_tokens=False).ids
        self.streams: dict[str, Stream] = {}

    async def Generate(
        self, request: vllm_engine_pb2.GenerateRequest, context: grpc.aio.ServicerContext
    ) -> AsyncIterator[vllm_engine_pb2.GenerateResponse]:
        params = request.sampling_params
        n = params.max_tokens if params.HasField("max_tokens") else DEFAULT_MAX_TOKENS
        ids = list(itertools.islice(itertools.cycle(self.answer), n))
        prompt = len(request.tokenized.input_ids)
        stream = Stream(ids)
        self.streams[request.request_id] = stream
        self.pacer.admit(stream)
        try:
            sent = 0
            while sent < len(ids):
                await stream.ready.wait()
                tokens = stream.take()
                sent += len(tokens)
                yield vllm_engine_pb2.GenerateResponse(
                    chunk=vllm_engine_pb2.GenerateStreamChunk(
                        token_ids=tokens, prompt_tokens=prompt, completion_tokens=sent
                    )
                )
            yield vllm_engine_pb2.GenerateResponse(
                complete=vllm_engine_pb2.GenerateComplete(
                    finish_reason="length", prompt_tokens=prompt, completion_tokens=sent
                )
            )
        finally:
            self.pacer.leave(stream)
            self.streams.pop(request.request_id, None)

    async def Abort(
        self, request: vllm_engine_pb2.AbortRequest, context: grpc.aio.ServicerContext
    ) -> vllm_engine_pb2.AbortResponse:
        for request_id in request.request_ids:
            stream = self.streams.get(request_id)
            if stream is not None:
                self.pacer.leave(stream)
        return vllm_engine_pb2.AbortResponse()

    async def GetTokenizer(
        self, request: common_pb2.GetTokenizerRequest, context: grpc.aio.ServicerContext
    ) -> AsyncIterator[common_pb2.GetTokenizerChunk]:
        yield common_pb2.GetTokenizerChunk(
            data=self.bundle, sha256=hashlib.sha256(self.bundle).hexdigest()
        )

    async def GetLoads(
        self, request: vllm_engine_pb2.GetLoadsRequest, context: grpc.aio.ServicerContext
    ) -> vllm_engine_pb2.GetLoadsResponse:
        load = vllm_engine_pb2.SchedulerLoad(num_running_reqs=len(self.pacer.running))
        return vllm_engine_pb2.GetLoadsResponse(dp_rank_count=1, loads=[load])

    async def HealthCheck(
        self, request: vllm_engine_pb2.HealthCheckRequest, context: grpc.aio.ServicerContext
    ) -> vllm_engine_pb2.HealthCheckResponse:
        return vllm_engine_pb2.HealthCheckResponse(healthy=True)


@contextlib.asynccontextmanager
async def rate_engine(
    rate: float, tokenizer_dir: Path, port: int = 0
) -> AsyncIterator[tuple[RateEngine, str]]:
    """A running engine on loopback and its address; stopped on exit."""
    tokenizer, bundle = tokenizer_bundle(tokenizer_dir)
    pacer = Pacer(rate)
    engine = RateEngine(tokenizer, bundle, pacer)
    server = grpc.aio.server()
    vllm_engine_pb2_grpc.add_VllmEngineServicer_to_server(engine, server)
    bound = server.add_insecure_port(f"127.0.0.1:{port}")
    await server.start()
    pacer.start()
    try:
        yield engine, f"127.0.0.1:{bound}"
    finally:
        await pacer.stop()
        await server.stop(0)


async def _serve(rate: float, port: int) -> None:
    with tempfile.TemporaryDirectory(prefix="rate-engine-") as tmp:
        async with rate_engine(rate, Path(tmp), port) as (engine, address):
            print(f"serving {address} at {rate:.0f} tokens/s", flush=True)
            started = time.monotonic()
            try:
                await asyncio.Event().wait()
            finally:
                elapsed = time.monotonic() - started
                print(f"{engine.pacer.tokens} tokens in {elapsed:.1f} s", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rate", type=float, required=True, help="aggregate tokens/s")
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(_serve(args.rate, args.port))


if __name__ == "__main__":
    main()
