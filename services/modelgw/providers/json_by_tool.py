"""Structured output on providers without a JSON response format: a forced tool call.

Anthropic's Messages API and Bedrock Converse have no `response_format`, but
both can be told to call one named tool whose input schema is the answer's
schema; the tool's input then *is* the JSON answer. The adapter offers that
tool, forces it, and turns its input back into answer text (streamed as the
input arrives), so the caller sees an ordinary JSON answer, restored and
escaped like any other. A request with tools of its own and a JSON format is
refused on these providers: the forced call would stop the model from
choosing among the caller's tools.
"""

from __future__ import annotations

import grpc

from modelgw.common.errors import BackendError
from modelgw.common.messages import GenerationParams
from modelgw.common.tools import ResponseFormat, ResponseFormatType
from modelgw.providers.chat_wire import json_value

ANY_OBJECT = {"type": "object", "additionalProperties": True}


def json_answer(params: GenerationParams, backend: str) -> ResponseFormat | None:
    """The JSON format to answer in by a forced tool, or None for a text answer."""
    response_format = params.response_format
    if response_format is None or response_format.type is ResponseFormatType.TEXT:
        return None
    if params.tools:
        raise BackendError(
            f"{backend}: a JSON response format together with tools is not supported by this "
            "provider (it answers in JSON through a forced tool call)",
            code=grpc.StatusCode.INVALID_ARGUMENT,
            retryable=False,
        )
    return response_format


def answer_tool_name(response_format: ResponseFormat) -> str:
    return response_format.name or "json_answer"


def answer_schema(response_format: ResponseFormat) -> dict[str, object]:
    schema = json_value(response_format.schema, None)
    return schema if isinstance(schema, dict) and schema else dict(ANY_OBJECT)


def answer_description(response_format: ResponseFormat) -> str:
    return response_format.description or "Give the answer as this tool's input."
