"""The two readers the rate benchmark compares, and what one window of reading gave.

Both count the answer's text, not token ids: the gateway sends text, so the
direct reader decodes the ids it gets as any client of the engine must, and
both sides are converted to tokens with the answer's characters per token.
"""

from __future__ import annotations

import asyncio
import statistics
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from smg_grpc_proto.generated import vllm_engine_pb2
from tokenizers import Tokenizer

from modelgw.api.v1 import common_pb2, gateway_pb2, gateway_pb2_grpc
from modelgw.providers.vllm.detokenize import IncrementalDetokenizer
from modelgw.providers.vllm.engine_stub import VllmEngine


@dataclass
class Window:
    """What the callers of one cell got before its window closed."""

    chars: int = 0
    ttfts: list[float] = field(default_factory=list)
    requests: int = 0
    errors: list[str] = field(default_factory=list)
    stream_chars: int = 0
    """Text after each answer's first piece, and the time from its first piece to its last:
    the rate of the streams themselves, without the time before each answer starts."""
    stream_s: float = 0.0

    def ttft_p50_ms(self) -> float:
        return statistics.median(self.ttfts) * 1000 if self.ttfts else float("nan")


Reader = Callable[[str, Callable[[str], None]], Awaitable[None]]
"""Streams one answer to `prompt`, calling `on_text` with each piece of text as it comes."""


def direct_reader(
    stub: VllmEngine, tokenizer: Tokenizer, encode: Callable[[str], list[int]], max_tokens: int
) -> Reader:
    async def read(prompt: str, on_text: Callable[[str], None]) -> None:
        request = vllm_engine_pb2.GenerateRequest(
            request_id=f"direct-{uuid.uuid4().hex[:12]}",
            tokenized=vllm_engine_pb2.TokenizedInput(input_ids=encode(prompt)),
            sampling_params=vllm_engine_pb2.SamplingParams(
                temperature=0.0, max_tokens=max_tokens, skip_special_tokens=True
            ),
            stream=True,
        )
        detok = IncrementalDetokenizer(tokenizer, ())
        async for reply in stub.Generate(request, timeout=120):
            if reply.WhichOneof("response") == "chunk":
                text = detok.feed(reply.chunk.token_ids)
                if text:
                    on_text(text)
        if tail := detok.finish():
            on_text(tail)

    return read


def gateway_reader(
    stub: gateway_pb2_grpc.GatewayAsyncStub, model: str, key: str, max_tokens: int
) -> Reader:
    metadata = (("authorization", f"Bearer {key}"),)

    async def read(prompt: str, on_text: Callable[[str], None]) -> None:
        request = gateway_pb2.GenerateRequest(
            model=model,
            messages=[common_pb2.ChatMessage(role=common_pb2.ROLE_USER, content=prompt)],
            params=common_pb2.GenerationParams(max_tokens=max_tokens, temperature=0.0),
        )
        async for event in stub.GenerateStream(request, metadata=metadata, timeout=120):
            if event.delta:
                on_text(event.delta)

    return read


async def run_window(
    read: Reader, prompts: Callable[[], str], concurrency: int, seconds: float
) -> Window:
    """`concurrency` callers stream answers back to back for `seconds`; then all are cut.

    Text that arrives after the window closes is not counted, so a cell's rate is what the
    callers received in it; a request still streaming at the close is cancelled.
    """
    window = Window()
    closes = time.perf_counter() + seconds

    def receiver(started: float, spans: list[float]) -> Callable[[str], None]:
        """Counts text until the window closes; `spans` gets [first text, last text]."""

        def on_text(text: str) -> None:
            now = time.perf_counter()
            if now >= closes:
                return
            if not spans:
                window.ttfts.append(now - started)
                spans.extend((now, now))
            else:
                window.stream_chars += len(text)  # text after the first: the stream's rate
                spans[1] = now
            window.chars += len(text)

        return on_text

    async def caller() -> None:
        while time.perf_counter() < closes:
            window.requests += 1
            spans: list[float] = []
            try:
                await read(prompts(), receiver(time.perf_counter(), spans))
            except Exception as exc:  # every failure is reported with the cell
                window.errors.append(f"{type(exc).__name__}: {str(exc)[:120]}")
            finally:
                if spans:
                    window.stream_s += spans[1] - spans[0]

    tasks = [asyncio.create_task(caller()) for _ in range(concurrency)]
    await asyncio.sleep(max(0.0, closes - time.perf_counter()))
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    return window
