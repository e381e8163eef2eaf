"""The model's tokenizer and chat template, fetched once from a worker (GetTokenizer).

The gateway renders the chat template and tokenizes itself, so a stock vLLM
worker only sees token ids and never a second copy of the template logic. The
bundle is a zip of the model's tokenizer files; only `tokenizers` (Rust, no
torch) and a sandboxed jinja2 are needed to use it.
"""

from __future__ import annotations

import functools
import hashlib
import io
import json
import zipfile
from dataclasses import dataclass
from typing import Any

import grpc
from jinja2 import Template
from jinja2.exceptions import TemplateError
from jinja2.sandbox import ImmutableSandboxedEnvironment
from smg_grpc_proto.generated import common_pb2
from tokenizers import Tokenizer

from modelgw.common.errors import BackendError
from modelgw.common.messages import ChatMessage, Role
from modelgw.common.tools import ToolDefinition
from modelgw.providers.chat_wire import json_value
from modelgw.providers.turns import tool_names
from modelgw.providers.vllm.engine_stub import VllmEngine

_MAX_BUNDLE_BYTES = 64 * 1024 * 1024


def _token_text(value: object) -> str | None:
    """tokenizer_config.json writes special tokens as a string or an AddedToken dict."""
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        content = value.get("content")
        if isinstance(content, str):
            return content
    return None


def _raise_exception(message: str) -> None:
    raise TemplateError(message)


def _tojson(
    value: Any,
    ensure_ascii: bool = False,
    indent: int | None = None,
    separators: tuple[str, str] | None = None,
    sort_keys: bool = False,
) -> str:
    """`tojson` as Hugging Face renders chat templates (and so vLLM): plain JSON, not
    jinja's HTML-safe variant, which would turn a placeholder's `<` into `\u003c`."""
    return json.dumps(
        value, ensure_ascii=ensure_ascii, indent=indent, separators=separators, sort_keys=sort_keys
    )


@functools.lru_cache(maxsize=16)
def _compiled(template: str) -> Template:
    """Compiling a chat template costs milliseconds; a model has one, so compile it once."""
    env = ImmutableSandboxedEnvironment(
        trim_blocks=True, lstrip_blocks=True, extensions=["jinja2.ext.loopcontrols"]
    )
    env.globals["raise_exception"] = _raise_exception
    env.filters["tojson"] = _tojson
    return env.from_string(template)


def _template_message(message: ChatMessage, names: dict[str, str]) -> dict[str, Any]:
    """A message as Hugging Face chat templates expect it: tool calls with their arguments
    as objects, tool results with the call id and the function's name."""
    out: dict[str, Any] = {"role": message.role.value, "content": message.content}
    if message.tool_calls:
        out["tool_calls"] = [
            {
                "id": call.id,
                "type": "function",
                "function": {"name": call.name, "arguments": json_value(call.arguments, {})},
            }
            for call in message.tool_calls
        ]
    if message.role is Role.TOOL:
        out["tool_call_id"] = message.tool_call_id
        out["name"] = names.get(message.tool_call_id, "")
    return out


def _template_tool(tool: ToolDefinition) -> dict[str, Any]:
    function: dict[str, Any] = {"name": tool.name, "description": tool.description}
    function["parameters"] = json_value(tool.parameters, {"type": "object", "properties": {}})
    return {"type": "function", "function": function}


@dataclass(frozen=True, slots=True)
class ModelTokenizer:
    """What the gateway needs to talk token ids with one model."""

    tokenizer: Tokenizer
    chat_template: str | None
    bos_token: str | None
    eos_token: str | None
    fingerprint: str
    """SHA-256 of the bundle: workers of one pool must serve the same tokenizer."""

    @property
    def takes_tools(self) -> bool:
        """The chat template reads `tools` (Hugging Face's convention for function calling)."""
        return bool(self.chat_template) and "tools" in (self.chat_template or "")

    def render_chat(
        self, messages: list[ChatMessage], tools: tuple[ToolDefinition, ...] = ()
    ) -> str:
        """The prompt text for `messages` (and `tools`), with the assistant's turn opened."""
        if not self.chat_template:
            raise BackendError(
                "the model has no chat template (tokenizer_config.json `chat_template`); "
                "serve a chat model or add a template",
                code=grpc.StatusCode.FAILED_PRECONDITION,
                retryable=False,
            )
        uses_tools = bool(tools) or any(m.tool_calls or m.role is Role.TOOL for m in messages)
        if uses_tools and not self.takes_tools:
            raise BackendError(
                "the model's chat template takes no tools; serve a model whose template "
                "renders `tools` (e.g. Qwen 2.5, Hermes) for function calling",
                code=grpc.StatusCode.INVALID_ARGUMENT,
                retryable=False,
            )
        names = tool_names(messages)
        variables: dict[str, Any] = {
            "messages": [_template_message(m, names) for m in messages],
            "add_generation_prompt": True,
            "bos_token": self.bos_token or "",
            "eos_token": self.eos_token or "",
        }
        if tools:
            variables["tools"] = [_template_tool(t) for t in tools]
        try:
            return _compiled(self.chat_template).render(**variables)
        except TemplateError as exc:
            raise BackendError(
                f"the model's chat template refused the messages: {exc.message}",
                code=grpc.StatusCode.INVALID_ARGUMENT,
                retryable=False,
            ) from None

    def encode_chat(
        self, messages: list[ChatMessage], tools: tuple[ToolDefinition, ...] = ()
    ) -> tuple[str, list[int]]:
        """Rendered prompt and its token ids (the template already holds special tokens)."""
        prompt = self.render_chat(messages, tools)
        return prompt, self.tokenizer.encode(prompt, add_special_tokens=False).ids


def parse_bundle(data: bytes) -> ModelTokenizer:
    """Read a GetTokenizer zip: tokenizer.json, and the template from tokenizer_config.json."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        names = set(archive.namelist())
        if "tokenizer.json" not in names:
            raise ValueError("the bundle has no tokenizer.json (only fast tokenizers are used)")
        tokenizer = Tokenizer.from_str(archive.read("tokenizer.json").decode("utf-8"))
        config: dict[str, Any] = {}
        if "tokenizer_config.json" in names:
            config = json.loads(archive.read("tokenizer_config.json"))
        template = config.get("chat_template")
        if "chat_template.jinja" in names:
            template = archive.read("chat_template.jinja").decode("utf-8")
        elif template is None and "chat_template.json" in names:
            template = json.loads(archive.read("chat_template.json")).get("chat_template")
        if isinstance(template, list):  # named templates: take the default one
            template = next((t["template"] for t in template if t.get("name") == "default"), None)
    except (zipfile.BadZipFile, ValueError, KeyError, UnicodeDecodeError) as exc:
        raise BackendError(
            f"the worker's tokenizer bundle is unusable: {exc}",
            code=grpc.StatusCode.FAILED_PRECONDITION,
            retryable=False,
        ) from None
    return ModelTokenizer(
        tokenizer=tokenizer,
        chat_template=template if isinstance(template, str) else None,
        bos_token=_token_text(config.get("bos_token")),
        eos_token=_token_text(config.get("eos_token")),
        fingerprint=hashlib.sha256(data).hexdigest(),
    )


async def fetch_tokenizer(stub: VllmEngine, limit_s: float) -> bytes:
    """Stream the bundle from one worker and check its SHA-256 when the worker sends one."""
    chunks: list[bytes] = []
    expected = ""
    size = 0
    call = stub.GetTokenizer(common_pb2.GetTokenizerRequest(), timeout=limit_s)
    async for chunk in call:
        chunks.append(chunk.data)
        size += len(chunk.data)
        if size > _MAX_BUNDLE_BYTES:
            call.cancel()
            raise BackendError(
                "tokenizer bundle too large", code=grpc.StatusCode.INTERNAL, retryable=False
            )
        expected = chunk.sha256 or expected
    data = b"".join(chunks)
    if expected and hashlib.sha256(data).hexdigest() != expected:
        raise BackendError(
            "tokenizer bundle arrived corrupted (SHA-256 mismatch)",
            code=grpc.StatusCode.UNAVAILABLE,
            retryable=True,
        )
    return data
