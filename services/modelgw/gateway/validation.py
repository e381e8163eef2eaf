"""Checks on a chat request that tell the caller exactly what to fix."""

from __future__ import annotations

import re
import uuid

from modelgw.common.errors import InvalidArgument
from modelgw.common.messages import CallerMetadata, ChatMessage, GenerationParams

REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")
SESSION_ID = re.compile(r"^[A-Za-z0-9._:@/+=-]{1,256}$")
MAX_END_USER = 256  # the audit record's column
MAX_TIMEOUT_MS = 600_000
MAX_MESSAGES = 1000
MAX_STOP_STRINGS = 4
MAX_LABELS = 64
MAX_LABEL_CHARS = 256
TIMEOUT_MS = re.compile(r"^[0-9]{1,7}$")
"""ASCII digits only: `str.isdigit()` also accepts `²` or `٣`, which `int()` then refuses."""


def new_request_id() -> str:
    """The audit record's key: made here, for every request, never taken from the caller."""
    return uuid.uuid4().hex


def client_request_id(value: str) -> str:
    """The caller's own request id (optional, not unique): checked, then only recorded."""
    if value and not REQUEST_ID.fullmatch(value):
        raise InvalidArgument("request_id must be 1-128 characters of [A-Za-z0-9._:-]")
    return value


def check_caller(caller: CallerMetadata) -> None:
    """Caller metadata lands in audit records and vault keys: bounded and plain."""
    if caller.session_id and not SESSION_ID.fullmatch(caller.session_id):
        raise InvalidArgument("session id must be 1-256 characters of [A-Za-z0-9._:@/+=-]")
    if len(caller.end_user) > MAX_END_USER:
        raise InvalidArgument(f"end user must be at most {MAX_END_USER} characters")
    check_text("end user", caller.end_user)
    if len(caller.labels) > MAX_LABELS:
        raise InvalidArgument(f"caller.labels may hold at most {MAX_LABELS} labels")
    for name, value in caller.labels.items():
        if len(name) > MAX_LABEL_CHARS or len(value) > MAX_LABEL_CHARS:
            raise InvalidArgument(
                f"caller.labels: names and values must be at most {MAX_LABEL_CHARS} characters"
            )
        check_text("caller.labels", name + value)


def timeout_ms(value: str) -> float:
    """Seconds from a caller's timeout in milliseconds (an HTTP header), checked."""
    if not TIMEOUT_MS.fullmatch(value) or not 1 <= int(value) <= MAX_TIMEOUT_MS:
        raise InvalidArgument(
            f"timeout must be a whole number of milliseconds in ASCII digits, 1-{MAX_TIMEOUT_MS}"
        )
    return int(value) / 1000


def check_text(field: str, text: str) -> None:
    """Text the trust layer must read and the audit log must store: valid Unicode, no NUL.

    A lone surrogate cannot be encoded (detection fails on it) and Postgres refuses NUL in
    text; both are the caller's error, refused here before detection, never a reason for
    the trust layer to fail (or, for a tenant that allows it, to fail open).
    """
    if "\x00" in text:
        raise InvalidArgument(f"{field} contains a NUL character (U+0000); remove it")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise InvalidArgument(
            f"{field} is not valid Unicode (a lone surrogate at position {exc.start}); "
            "send UTF-8 text"
        ) from None


def _in_range(name: str, value: float | None, low: float, high: float) -> None:
    if value is not None and not low <= value <= high:
        raise InvalidArgument(f"params.{name} must be between {low:g} and {high:g}, got {value:g}")


def check_chat(model: str, messages: list[ChatMessage], params: GenerationParams) -> None:
    if not model:
        raise InvalidArgument(
            "model is required; ListModels (gRPC) or GET /v1/models (HTTP) lists the models"
        )
    if not messages:
        raise InvalidArgument("messages must contain at least one message")
    if len(messages) > MAX_MESSAGES:
        raise InvalidArgument(f"messages may hold at most {MAX_MESSAGES} messages")
    for i, message in enumerate(messages):
        check_text(f"messages[{i}].content", message.content)
    if not any(m.content.strip() or m.images or m.tool_calls for m in messages):
        raise InvalidArgument("messages are all empty; send at least one with content")
    if params.max_tokens is not None and params.max_tokens < 1:
        raise InvalidArgument("params.max_tokens must be at least 1")
    _in_range("temperature", params.temperature, 0.0, 2.0)
    if params.top_p is not None and not 0.0 < params.top_p <= 1.0:
        raise InvalidArgument(f"params.top_p must be in (0, 1], got {params.top_p:g}")
    _in_range("presence_penalty", params.presence_penalty, -2.0, 2.0)
    _in_range("frequency_penalty", params.frequency_penalty, -2.0, 2.0)
    if len(params.stop) > MAX_STOP_STRINGS:
        raise InvalidArgument(f"params.stop may hold at most {MAX_STOP_STRINGS} strings")
    if any(not s for s in params.stop):
        raise InvalidArgument("params.stop must not contain empty strings")
    for i, stop in enumerate(params.stop):
        check_text(f"params.stop[{i}]", stop)
