"""The OpenTelemetry GenAI semantic conventions as modelgw uses them: names and values.

Spelled out here rather than imported from `opentelemetry.semconv._incubating`
(a private module whose names move between releases): these strings are the
contract with dashboards and alert rules, and `deploy/monitoring` is tested
against the names the code exports.
"""

from __future__ import annotations

from typing import Final

OPERATION_NAME: Final = "gen_ai.operation.name"
PROVIDER_NAME: Final = "gen_ai.provider.name"
REQUEST_MODEL: Final = "gen_ai.request.model"
RESPONSE_MODEL: Final = "gen_ai.response.model"
RESPONSE_FINISH_REASONS: Final = "gen_ai.response.finish_reasons"
USAGE_INPUT_TOKENS: Final = "gen_ai.usage.input_tokens"
USAGE_OUTPUT_TOKENS: Final = "gen_ai.usage.output_tokens"
TOKEN_TYPE: Final = "gen_ai.token.type"  # noqa: S105  # an attribute name, not a secret
REQUEST_STREAM: Final = "gen_ai.request.stream"
ERROR_TYPE: Final = "error.type"

CHAT: Final = "chat"
"""`gen_ai.operation.name` of every modelgw generation: chat completion."""

CLIENT_OPERATION_DURATION: Final = "gen_ai.client.operation.duration"
CLIENT_TOKEN_USAGE: Final = "gen_ai.client.token.usage"  # noqa: S105  # a metric name
CLIENT_TIME_TO_FIRST_CHUNK: Final = "gen_ai.client.operation.time_to_first_chunk"
CLIENT_TIME_PER_OUTPUT_CHUNK: Final = "gen_ai.client.operation.time_per_output_chunk"
SERVER_REQUEST_DURATION: Final = "gen_ai.server.request.duration"
SERVER_TIME_TO_FIRST_TOKEN: Final = "gen_ai.server.time_to_first_token"  # noqa: S105  # a metric name
SERVER_TIME_PER_OUTPUT_TOKEN: Final = "gen_ai.server.time_per_output_token"  # noqa: S105

_PROVIDERS: Final = {
    "openai": "openai",
    "azure_openai": "azure.ai.openai",
    "anthropic": "anthropic",
    "bedrock": "aws.bedrock",
    "vertex": "gcp.vertex_ai",
}


def provider_name(provider_type: str) -> str:
    """`gen_ai.provider.name` of a modelgw provider type: the convention's well-known value
    where it has one, else the type itself (`vllm`, `sagemaker`, `openai_compatible`,
    `echo`), as the convention allows."""
    return _PROVIDERS.get(provider_type, provider_type)
