"""A scripted `VllmEngine` gRPC server for fault tests of the routing engine.

It is a real gRPC server on a free loopback port speaking the real protocol
(GetTokenizer with a real tokenizer bundle, Generate streaming token ids,
Abort, GetLoads, HealthCheck), whose Generate misbehaves on demand: fails
with a status (the gRPC forms of 5xx, 429, 400), hangs, or dies mid-stream.
It records what it was asked, so tests can check what reached the backend.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import io
import zipfile
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

import grpc
from smg_grpc_proto.generated import common_pb2, vllm_engine_pb2, vllm_engine_pb2_grpc
from tokenizers import Tokenizer

from modelgw.providers.echo import echo_vector
from tests.vllm_support.tiny_tokenizer import CHAT_TEMPLATE, write_tokenizer


class Behaviour(StrEnum):
    OK = "ok"
    UNAVAILABLE = "unavailable"  # a 503
    INTERNAL = "internal"  # a 500
    EXHAUSTED = "exhausted"  # a 429
    INVALID = "invalid"  # a 400: the caller's fault
    HANG = "hang"  # accepts the call, never answers
    DIE_MID_STREAM = "die_mid_stream"  # some tokens, then the connection breaks


@dataclass
class Call:
    request_id: str
    input_ids: list[int]
    time_remaining: float | None
    max_tokens: int | None
    json_schema: str | None = None
    """The guided-decoding schema the request carried, if any."""


@dataclass
class FakeEngine(vllm_engine_pb2_grpc.VllmEngineServicer):
    tokenizer: Tokenizer
    bundle: bytes
    answer: str = "Bonjour, café 日本 🙂 done."
    behaviour: Behaviour = Behaviour.OK
    token_delay_s: float = 0.0
    calls: list[Call] = field(default_factory=list)
    aborted: list[str] = field(default_factory=list)
    running: int = 0
    tokenizer_fetches: int = 0

    def answer_ids(self) -> list[int]:
        return self.tokenizer.encode(self.answer, add_special_tokens=False).ids

    async def Generate(
        self, request: vllm_engine_pb2.GenerateRequest, context: grpc.aio.ServicerContext
    ) -> AsyncIterator[vllm_engine_pb2.GenerateResponse]:
        params = request.sampling_params
        self.calls.append(
            Call(
                request.request_id,
                list(request.tokenized.input_ids),
                context.time_remaining(),
                params.max_tokens if params.HasField("max_tokens") else None,
                params.json_schema if params.HasField("json_schema") else None,
            )
        )
        codes = {
            Behaviour.UNAVAILABLE: grpc.StatusCode.UNAVAILABLE,
            Behaviour.INTERNAL: grpc.StatusCode.INTERNAL,
            Behaviour.EXHAUSTED: grpc.StatusCode.RESOURCE_EXHAUSTED,
            Behaviour.INVALID: grpc.StatusCode.INVALID_ARGUMENT,
        }
        if self.behaviour in codes:
            await context.abort(codes[self.behaviour], f"scripted {self.behaviour.value}")
        self.running += 1
        try:
            if self.behaviour is Behaviour.HANG:
                await asyncio.sleep(3600)
            ids = self.answer_ids()
            prompt = len(request.tokenized.input_ids)
            for n, token in enumerate(ids, start=1):
                if self.behaviour is Behaviour.DIE_MID_STREAM and n > len(ids) // 2:
                    await context.abort(grpc.StatusCode.UNAVAILABLE, "worker died")
                if self.token_delay_s:
                    await asyncio.sleep(self.token_delay_s)
                yield vllm_engine_pb2.GenerateResponse(
                    chunk=vllm_engine_pb2.GenerateStreamChunk(
                        token_ids=[token], prompt_tokens=prompt, completion_tokens=n
                    )
                )
            yield vllm_engine_pb2.GenerateResponse(
                complete=vllm_engine_pb2.GenerateComplete(
                    finish_reason="stop", prompt_tokens=prompt, completion_tokens=len(ids)
                )
            )
        finally:
            self.running -= 1

    async def Embed(
        self, request: vllm_engine_pb2.EmbedRequest, context: grpc.aio.ServicerContext
    ) -> vllm_engine_pb2.EmbedResponse:
        """A pooling model's answer: `echo_vector` of the text the token ids spell."""
        ids = list(request.tokenized.input_ids)
        self.calls.append(Call(request.request_id, ids, context.time_remaining(), None))
        if self.behaviour is Behaviour.UNAVAILABLE:
            await context.abort(grpc.StatusCode.UNAVAILABLE, "scripted unavailable")
        vector = echo_vector(self.tokenizer.decode(ids, skip_special_tokens=True))
        return vllm_engine_pb2.EmbedResponse(
            embedding=vector, prompt_tokens=len(ids), embedding_dim=len(vector)
        )

    async def Abort(
        self, request: vllm_engine_pb2.AbortRequest, context: grpc.aio.ServicerContext
    ) -> vllm_engine_pb2.AbortResponse:
        self.aborted.extend(request.request_ids)
        return vllm_engine_pb2.AbortResponse()

    async def GetTokenizer(
        self, request: common_pb2.GetTokenizerRequest, context: grpc.aio.ServicerContext
    ) -> AsyncIterator[common_pb2.GetTokenizerChunk]:
        self.tokenizer_fetches += 1
        yield common_pb2.GetTokenizerChunk(
            data=self.bundle, sha256=hashlib.sha256(self.bundle).hexdigest()
        )

    async def GetLoads(
        self, request: vllm_engine_pb2.GetLoadsRequest, context: grpc.aio.ServicerContext
    ) -> vllm_engine_pb2.GetLoadsResponse:
        load = vllm_engine_pb2.SchedulerLoad(num_running_reqs=self.running)
        return vllm_engine_pb2.GetLoadsResponse(dp_rank_count=1, loads=[load])

    async def HealthCheck(
        self, request: vllm_engine_pb2.HealthCheckRequest, context: grpc.aio.ServicerContext
    ) -> vllm_engine_pb2.HealthCheckResponse:
        return vllm_engine_pb2.HealthCheckResponse(healthy=True)


def tokenizer_bundle(
    directory: Path, chat_template: str = CHAT_TEMPLATE
) -> tuple[Tokenizer, bytes]:
    tokenizer = write_tokenizer(directory, chat_template=chat_template)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in ("tokenizer.json", "tokenizer_config.json", "special_tokens_map.json"):
            archive.write(directory / name, name)
    return tokenizer, buffer.getvalue()


@dataclass
class RunningFake:
    engine: FakeEngine
    server: grpc.aio.Server
    address: str


async def serve(engine: FakeEngine, port: int = 0) -> tuple[grpc.aio.Server, int]:
    """Serve `engine` on loopback; a given port restarts a stopped fake where it was."""
    server = grpc.aio.server()
    vllm_engine_pb2_grpc.add_VllmEngineServicer_to_server(engine, server)
    port = server.add_insecure_port(f"127.0.0.1:{port}")
    await server.start()
    return server, port


@contextlib.asynccontextmanager
async def fake_engine(
    directory: Path, chat_template: str = CHAT_TEMPLATE, **kwargs: Any
) -> AsyncIterator[RunningFake]:
    tokenizer, bundle = tokenizer_bundle(directory, chat_template)
    engine = FakeEngine(tokenizer, bundle, **kwargs)
    server, port = await serve(engine)
    try:
        yield RunningFake(engine, server, f"127.0.0.1:{port}")
    finally:
        await server.stop(0)
