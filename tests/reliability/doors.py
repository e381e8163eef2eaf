"""One request through either door of a running gateway, and what the caller got.

The drills ask the same question on gRPC and on HTTP (unary or streamed) and
compare outcomes, so both doors answer in one shape: `Outcome.status` is the gRPC
code name or the HTTP status (`"200"`), `tokens` the text pieces a stream
delivered, and `error` what the caller was told when it failed (for an HTTP
stream that had begun: the error event that ended it).
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field

import grpc
import httpx

from modelgw.api.v1 import gateway_pb2_grpc
from tests.harness import generate_request


@dataclass
class Outcome:
    status: str
    seconds: float
    tokens: list[str] = field(default_factory=list)
    error: str = ""

    @property
    def ok(self) -> bool:
        return self.status in {"OK", "200"} and not self.error


async def ask_grpc(
    stub: gateway_pb2_grpc.GatewayAsyncStub,
    key: str,
    model: str,
    prompt: str,
    *,
    stream: bool = False,
    request_id: str = "",
    timeout_s: float = 60.0,
) -> Outcome:
    request = generate_request(prompt, model=model, request_id=request_id)
    auth = (("authorization", f"Bearer {key}"),)
    started = time.monotonic()
    tokens: list[str] = []
    try:
        if stream:
            async for chunk in stub.GenerateStream(request, metadata=auth, timeout=timeout_s):
                if chunk.delta:
                    tokens.append(chunk.delta)
        else:
            await stub.Generate(request, metadata=auth, timeout=timeout_s)
    except grpc.aio.AioRpcError as exc:
        return Outcome(exc.code().name, time.monotonic() - started, tokens, exc.details() or "")
    return Outcome("OK", time.monotonic() - started, tokens)


async def ask_http(
    client: httpx.AsyncClient,
    base: str,
    key: str,
    model: str,
    prompt: str,
    *,
    stream: bool = False,
    request_id: str = "",
    timeout_s: float = 60.0,
) -> Outcome:
    body = {"model": model, "stream": stream, "messages": [{"role": "user", "content": prompt}]}
    headers = {"authorization": f"Bearer {key}"}
    if request_id:
        headers["x-client-request-id"] = request_id
    started = time.monotonic()
    tokens: list[str] = []
    error = ""
    try:
        async with client.stream(
            "POST", f"{base}/v1/chat/completions", json=body, headers=headers, timeout=timeout_s
        ) as reply:
            if reply.status_code != 200 or not stream:
                text = (await reply.aread()).decode()
                if reply.status_code != 200:
                    error = text
                return Outcome(str(reply.status_code), time.monotonic() - started, error=error)
            async for line in reply.aiter_lines():
                if not line.startswith("data: ") or line == "data: [DONE]":
                    continue
                event = json.loads(line[6:])
                if "error" in event:
                    error = json.dumps(event["error"])
                    break
                for choice in event.get("choices", ()):
                    if choice.get("delta", {}).get("content"):
                        tokens.append(choice["delta"]["content"])
            status = str(reply.status_code)
    except httpx.HTTPError as exc:
        return Outcome(type(exc).__name__, time.monotonic() - started, tokens, str(exc))
    return Outcome(status, time.monotonic() - started, tokens, error)
