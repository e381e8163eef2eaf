"""The `vllm` backend: speaks vLLM's own gRPC API (`VllmEngine`) to a pool of workers.

The gateway owns the text side: chat template, tokenization, incremental
detokenization and stop strings; the worker sees token ids only. Every engine
request that does not finish on its own (client gone, deadline, stop string)
is aborted on the worker, so a cancelled request frees its KV cache at once.

Function calling goes through the model's chat template (`tools`) and the
tool-call format it taught the model (`tool_parser.HermesToolParser`); JSON
output is the engine's guided decoding (`sampling`). A pool of pooling models
(`task = "embed"`) serves embeddings through the worker's Embed RPC instead.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
from collections.abc import AsyncIterator

import grpc
from smg_grpc_proto.generated import vllm_engine_pb2

from modelgw.common.config.providers import VllmProvider
from modelgw.common.errors import BackendError, DeadlineExceeded
from modelgw.common.messages import ChatMessage, FinishReason, Usage
from modelgw.common.tools import ToolCall
from modelgw.providers.base import (
    BackendRequest,
    BackendResponse,
    EmbeddingRequest,
    EmbeddingResponse,
    StreamChunk,
)
from modelgw.providers.features import Feature
from modelgw.providers.vllm.detokenize import IncrementalDetokenizer
from modelgw.providers.vllm.errors import backend_error
from modelgw.providers.vllm.pool import Worker, WorkerPool
from modelgw.providers.vllm.sampling import sampling_params
from modelgw.providers.vllm.tokenizer import ModelTokenizer, fetch_tokenizer, parse_bundle
from modelgw.providers.vllm.tool_parser import HermesToolParser

log = logging.getLogger(__name__)

_FINISH = {"stop": FinishReason.STOP, "length": FinishReason.LENGTH}


def affinity_key(messages: list[ChatMessage]) -> str:
    """The shared part of a conversation: everything before its last message.

    Requests that share it (a system prompt, earlier turns) have that prefix in
    some worker's KV cache already; a lone message is its own key.
    """
    shared = messages[:-1] or messages
    return "\x1e".join(f"{m.role.value}\x1f{m.content}" for m in shared)


class VllmBackend:
    provider_type = "vllm"

    def __init__(self, name: str, config: VllmProvider) -> None:
        self.name = name
        self.locality = config.locality
        self.features: frozenset[Feature] = (
            frozenset({Feature.EMBEDDINGS})
            if config.task == "embed"
            else frozenset({Feature.TOOLS, Feature.JSON_OBJECT, Feature.JSON_SCHEMA, Feature.SEED})
        )
        self._config = config
        self.pool = WorkerPool(name, config)
        self._tokenizer: ModelTokenizer | None = None
        self._tokenizer_lock = asyncio.Lock()

    async def tokenizer(self) -> ModelTokenizer:
        """The model's tokenizer, fetched from the first worker that answers, then cached."""
        if self._tokenizer is not None:
            return self._tokenizer
        async with self._tokenizer_lock:
            if self._tokenizer is None:
                await self.pool.wait_informed()
                last: BaseException | None = None
                for worker in self.pool.healthy():
                    try:
                        data = await fetch_tokenizer(worker.stub, self._config.connect_timeout_s)
                    except grpc.aio.AioRpcError as exc:
                        last = backend_error(self.name, exc)
                        self.pool.record_failure(worker, "GetTokenizer failed")
                        continue
                    self._tokenizer = parse_bundle(data)
                    break
                if self._tokenizer is None:
                    raise last or BackendError(
                        f"{self.name}: no healthy vLLM worker to fetch the tokenizer from",
                        code=grpc.StatusCode.UNAVAILABLE,
                        retryable=True,
                    )
        return self._tokenizer

    async def generate(self, request: BackendRequest) -> BackendResponse:
        parts: list[str] = []
        calls: list[ToolCall] = []
        finish, usage = FinishReason.STOP, Usage()
        async for chunk in self.stream(request):
            parts.append(chunk.delta)
            calls += [ToolCall(c.id, c.name, c.arguments) for c in chunk.tool_calls]
            finish = chunk.finish_reason or finish
            usage = chunk.usage or usage
        return BackendResponse("".join(parts), finish, usage, tuple(calls))

    def _choose(self, key: str) -> Worker:
        worker = self.pool.choose(key)
        if worker is None:
            raise BackendError(
                f"{self.name}: every vLLM worker is ejected or unknown",
                code=grpc.StatusCode.UNAVAILABLE,
                retryable=True,
            )
        return worker

    async def stream(self, request: BackendRequest) -> AsyncIterator[StreamChunk]:
        tokenizer = await self.tokenizer()
        _, input_ids = tokenizer.encode_chat(request.messages, request.params.tools)
        parser = HermesToolParser() if request.params.tools else None
        worker = self._choose(affinity_key(request.messages))
        timeout = request.remaining(self._config.timeout_s)
        if timeout <= 0:
            raise DeadlineExceeded("the deadline passed before the vLLM worker was called")
        engine_id = f"{request.request_id}-{secrets.token_hex(4)}"
        call = worker.stub.Generate(
            vllm_engine_pb2.GenerateRequest(
                request_id=engine_id,
                tokenized=vllm_engine_pb2.TokenizedInput(input_ids=input_ids),
                sampling_params=sampling_params(request.params, default_max_tokens=None),
                stream=True,
            ),
            timeout=timeout,
        )
        detok = IncrementalDetokenizer(tokenizer.tokenizer, request.params.stop)
        prompt_tokens, finished = len(input_ids), False
        worker.in_flight += 1
        try:
            async for reply in call:
                kind = reply.WhichOneof("response")
                if kind == "chunk":
                    prompt_tokens = reply.chunk.prompt_tokens or prompt_tokens
                    text = detok.feed(reply.chunk.token_ids)
                else:
                    prompt_tokens = reply.complete.prompt_tokens or prompt_tokens
                    text = detok.feed([]) + detok.finish()
                ending = detok.stopped or kind == "complete"
                if parser is not None:
                    text, calls = parser.feed(text)
                    if ending:
                        tail, more = parser.finish()
                        text, calls = text + tail, calls + more
                    if calls:
                        yield StreamChunk(delta=text, tool_calls=tuple(calls))
                        text = ""
                if text:
                    yield StreamChunk(delta=text)
                if detok.stopped or kind == "complete":
                    reason = "stop" if detok.stopped else reply.complete.finish_reason
                    if reason not in _FINISH:
                        raise BackendError(
                            f"{self.name}: the engine ended the request ({reason})",
                            code=grpc.StatusCode.INTERNAL,
                            retryable=True,
                        )
                    finished = not detok.stopped  # a stop string still needs an Abort
                    usage = Usage(prompt_tokens=prompt_tokens, completion_tokens=detok.tokens)
                    finish = _FINISH[reason]
                    if parser is not None and parser.calls and finish is FinishReason.STOP:
                        finish = FinishReason.TOOL_CALLS
                    yield StreamChunk(finish_reason=finish, usage=usage)
                    break
            else:
                raise BackendError(
                    f"{self.name}: worker {worker.address} ended the stream without finishing",
                    code=grpc.StatusCode.UNAVAILABLE,
                    retryable=True,
                )
            self.pool.record_success(worker)
        except grpc.aio.AioRpcError as exc:
            error = backend_error(self.name, exc, worker.address)
            if error.code in (grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.INTERNAL):
                self.pool.record_failure(worker, exc.code().name)
            raise error from None
        finally:
            worker.in_flight -= 1
            if not finished:
                # Client gone, deadline, stop string or error: free the engine's slot now.
                await asyncio.shield(self._abort(worker, engine_id, call))

    async def embed(self, request: EmbeddingRequest) -> EmbeddingResponse:
        """One Embed call per input (the RPC takes one), spread over the pool's workers."""
        if request.dimensions is not None:
            raise BackendError(
                f"{self.name}: the vLLM worker's Embed cannot shorten vectors (dimensions)",
                code=grpc.StatusCode.INVALID_ARGUMENT,
                retryable=False,
            )
        tokenizer = await self.tokenizer()
        timeout = request.remaining(self._config.timeout_s)
        if timeout <= 0:
            raise DeadlineExceeded("the deadline passed before the vLLM worker was called")

        async def one(index: int, text: str) -> tuple[list[float], int]:
            ids = tokenizer.tokenizer.encode(text, add_special_tokens=True).ids
            worker = self._choose(text[:64])
            engine_request = vllm_engine_pb2.EmbedRequest(
                request_id=f"{request.request_id}-{index}-{secrets.token_hex(4)}",
                tokenized=vllm_engine_pb2.TokenizedInput(input_ids=ids),
            )
            worker.in_flight += 1
            try:
                reply = await worker.stub.Embed(engine_request, timeout=timeout)
            except grpc.aio.AioRpcError as exc:
                error = backend_error(self.name, exc, worker.address)
                if error.code in (grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.INTERNAL):
                    self.pool.record_failure(worker, exc.code().name)
                raise error from None
            finally:
                worker.in_flight -= 1
            self.pool.record_success(worker)
            return list(reply.embedding), reply.prompt_tokens or len(ids)

        results = await asyncio.gather(*(one(i, t) for i, t in enumerate(request.inputs)))
        vectors = [vector for vector, _ in results]
        return EmbeddingResponse(vectors, Usage(prompt_tokens=sum(n for _, n in results)))

    async def _abort(
        self,
        worker: Worker,
        engine_id: str,
        call: grpc.aio.UnaryStreamCall[
            vllm_engine_pb2.GenerateRequest, vllm_engine_pb2.GenerateResponse
        ],
    ) -> None:
        try:
            await worker.stub.Abort(
                vllm_engine_pb2.AbortRequest(request_ids=[engine_id]),
                timeout=self._config.connect_timeout_s,
            )
        except grpc.aio.AioRpcError as exc:
            log.warning("%s: Abort of %s failed: %s", self.name, engine_id, exc.code().name)
        with contextlib.suppress(Exception):
            call.cancel()

    async def close(self) -> None:
        await self.pool.close()
