"""Tenant-scoped cache of masked answers.

Keys and values hold masked text only: the key is a hash over (tenant, model,
backend, masked messages, parameters) and the value is the backend's masked
answer, restored per request with that request's own vault. Two callers whose
prompts mask to the same text share an answer only within one tenant.

Only deterministic requests are cached (temperature 0 or a fixed seed): a
cached answer to a sampled request would silently change what callers get.
A cache that fails is a miss, never an error: it is an optimisation
(the Redis one, bounded in time and behind a breaker, is `redis_cache.py`).
"""

from __future__ import annotations

import hashlib
import json
import time
from collections import OrderedDict
from dataclasses import asdict, dataclass
from typing import Protocol

from modelgw.common.message_json import message_to_dict, tool_call_from_dict, tool_call_to_dict
from modelgw.common.messages import ChatMessage, FinishReason, GenerationParams, Usage
from modelgw.common.tools import ToolCall

KEY_PREFIX = "modelgw:cache:v1"


@dataclass(frozen=True, slots=True)
class CachedAnswer:
    masked_text: str
    finish_reason: FinishReason
    usage: Usage
    tool_calls: tuple[ToolCall, ...] = ()
    """The answer's tool calls, masked like its text."""


def is_cacheable(params: GenerationParams) -> bool:
    return params.temperature == 0 or params.seed is not None


def cache_key(
    tenant: str, model: str, backend: str, messages: list[ChatMessage], params: GenerationParams
) -> str:
    """`modelgw:cache:v1:<tenant>:<sha256>`: the tenant stays readable so it can be purged."""
    material = json.dumps(
        {
            "model": model,
            "backend": backend,
            "messages": [_message_key(m) for m in messages],
            "params": asdict(params),
        },
        sort_keys=True,
        separators=(",", ":"),
    )
    digest = hashlib.sha256(material.encode()).hexdigest()
    return f"{KEY_PREFIX}:{tenant}:{digest}"


def _message_key(message: ChatMessage) -> list[object]:
    """Role and text; tool calls, tool call ids and images too, when a message has them."""
    extras = message_to_dict(message)
    del extras["role"], extras["content"]
    key: list[object] = [message.role.value, message.content]
    return [*key, extras] if extras else key


def encode(answer: CachedAnswer) -> str:
    data: dict[str, object] = {
        "t": answer.masked_text,
        "f": answer.finish_reason.value,
        "u": asdict(answer.usage),
    }
    if answer.tool_calls:
        data["c"] = [tool_call_to_dict(c) for c in answer.tool_calls]
    return json.dumps(data)


def decode(raw: str | bytes) -> CachedAnswer:
    data = json.loads(raw)
    calls = tuple(tool_call_from_dict(c) for c in data.get("c") or ())
    return CachedAnswer(data["t"], FinishReason(data["f"]), Usage(**data["u"]), calls)


class ResponseCache(Protocol):
    stores: bool
    """Whether anything is kept at all: a deployment without a cache computes no keys."""

    async def get(self, key: str) -> CachedAnswer | None: ...

    async def put(self, key: str, answer: CachedAnswer) -> None: ...

    async def close(self) -> None: ...


class NoCache:
    stores = False

    async def get(self, key: str) -> CachedAnswer | None:
        return None

    async def put(self, key: str, answer: CachedAnswer) -> None:
        return None

    async def close(self) -> None:
        return None


class MemoryCache:
    """Bounded LRU with TTL, for one process (the embedded default)."""

    stores = True

    def __init__(self, ttl_s: float, max_entries: int = 10_000) -> None:
        self._ttl_s = ttl_s
        self._max = max_entries
        self._items: OrderedDict[str, tuple[float, str]] = OrderedDict()

    async def get(self, key: str) -> CachedAnswer | None:
        item = self._items.get(key)
        if item is None:
            return None
        expires, raw = item
        if expires < time.monotonic():
            del self._items[key]
            return None
        self._items.move_to_end(key)
        return decode(raw)

    async def put(self, key: str, answer: CachedAnswer) -> None:
        self._items[key] = (time.monotonic() + self._ttl_s, encode(answer))
        self._items.move_to_end(key)
        while len(self._items) > self._max:
            self._items.popitem(last=False)

    async def close(self) -> None:
        self._items.clear()
