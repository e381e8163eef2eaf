"""The adapters under conformance test: each declares only its specifics."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import grpc

from modelgw.common.messages import Usage
from tests.conformance.spec import AdapterSpec, ErrorCase, SentParams, Upstream, secret_file
from tests.fakes.anthropic import AnthropicFake
from tests.fakes.bedrock import BedrockFake
from tests.fakes.cohere import CohereFake
from tests.fakes.openai import AzureOpenAIFake, OpenAICompatibleFake, OpenAIFake
from tests.fakes.sagemaker import SageMakerFake
from tests.fakes.server import FakeRequest
from tests.fakes.vertex import VertexFake, service_account

S = grpc.StatusCode
ORDER_CALLS = (
    ("get_order_status", {"order_id": "A-1042"}),
    ("get_order_status", {"order_id": "A-2077"}),
)
"""The recorded answers of the Chat Completions fixtures: two calls in parallel."""
AWS_KEY, AWS_SECRET = "AKIAFAKEKEY00000001", "fake/secret+key/0000000000000000000000"


def _body(request: FakeRequest) -> dict:
    return json.loads(request.body)


def _aws_credentials(folder: Path) -> dict[str, str]:
    return {
        "access_key_id": secret_file(folder, "aws_key", AWS_KEY),
        "secret_access_key": secret_file(folder, "aws_secret", AWS_SECRET),
    }


# -- openai ------------------------------------------------------------------------------
def _openai(folder: Path) -> Upstream:
    key = "sk-proj-conformance-0001"
    return Upstream(
        OpenAIFake(key, organization="org-modelgw"),
        lambda url: {
            "type": "openai",
            "base_url": f"{url}/v1",
            "api_key": secret_file(folder, "openai_key", key),
            "organization": "org-modelgw",
        },
    )


def _sent_params(
    max_tokens: str, stop: str, *, under: str = ""
) -> Callable[[FakeRequest], SentParams]:
    """Reads the parameters from the body's top level, or from its `under` object."""

    def read(request: FakeRequest) -> SentParams:
        body = _body(request)
        fields = body.get(under, {}) if under else body
        return SentParams(fields.get(max_tokens), fields.get("temperature"), fields.get(stop))

    return read


_chat_params = _sent_params("max_tokens", "stop")


OPENAI = AdapterSpec(
    recorded_embeddings=(2, 12, 11),
    embedding_error=ErrorCase("rate_limit", S.RESOURCE_EXHAUSTED, True, retry_after_s=1.0),
    recorded_tool_calls=ORDER_CALLS,
    recorded_tool_usage=Usage(82, 54),
    id="openai",
    make=_openai,
    recorded_usage=Usage(19, 10),
    errors=[
        ErrorCase("rate_limit", S.RESOURCE_EXHAUSTED, True, retry_after_s=1.0),
        ErrorCase("insufficient_quota", S.RESOURCE_EXHAUSTED, True),
        ErrorCase("invalid_request", S.INVALID_ARGUMENT, False),
        ErrorCase("auth", S.FAILED_PRECONDITION, True),
        ErrorCase("server_error", S.UNAVAILABLE, True),
        ErrorCase("overloaded", S.UNAVAILABLE, True, retry_after_s=2.0),
    ],
    stream_error=ErrorCase("", S.UNAVAILABLE, True),
    sent_params=_sent_params("max_completion_tokens", "stop"),
    credential_header=("authorization", "Bearer sk-proj-conformance-0001"),
)


# -- azure_openai --------------------------------------------------------------------------
def _azure(folder: Path) -> Upstream:
    key = "azure-conformance-key-0001"
    return Upstream(
        AzureOpenAIFake(key, "2024-10-21"),
        lambda url: {
            "type": "azure_openai",
            "endpoint": url,
            "api_version": "2024-10-21",
            "api_key": secret_file(folder, "azure_key", key),
        },
    )


AZURE = AdapterSpec(
    recorded_embeddings=(2, 12, 11),
    embedding_error=ErrorCase("rate_limit", S.RESOURCE_EXHAUSTED, True, retry_after_s=6.5),
    recorded_tool_calls=ORDER_CALLS,
    recorded_tool_usage=Usage(82, 54),
    id="azure_openai",
    make=_azure,
    recorded_usage=Usage(19, 10),
    errors=[
        ErrorCase("rate_limit", S.RESOURCE_EXHAUSTED, True, retry_after_s=6.5),
        ErrorCase("content_filter", S.INVALID_ARGUMENT, False),
        ErrorCase("deployment_not_found", S.FAILED_PRECONDITION, True),
        ErrorCase("auth", S.FAILED_PRECONDITION, True),
        ErrorCase("server_error", S.UNAVAILABLE, True),
    ],
    stream_error=ErrorCase("", S.UNAVAILABLE, True),
    sent_params=_chat_params,
    credential_header=("api-key", "azure-conformance-key-0001"),
)


# -- openai_compatible (vLLM) ------------------------------------------------------------
def _compatible(folder: Path) -> Upstream:
    key = "vllm-conformance-token"
    return Upstream(
        OpenAICompatibleFake(key),
        lambda url: {
            "type": "openai_compatible",
            "base_url": f"{url}/v1",
            "api_key": secret_file(folder, "vllm_key", key),
        },
    )


COMPATIBLE = AdapterSpec(
    recorded_embeddings=(2, 12, 11),
    embedding_error=ErrorCase("invalid_request", S.INVALID_ARGUMENT, False),
    recorded_tool_calls=ORDER_CALLS,
    recorded_tool_usage=Usage(82, 54),
    id="openai_compatible",
    make=_compatible,
    recorded_usage=Usage(42, 10),
    errors=[
        ErrorCase("invalid_request", S.INVALID_ARGUMENT, False),
        ErrorCase("model_not_found", S.FAILED_PRECONDITION, True),
        ErrorCase("overloaded", S.UNAVAILABLE, True),
        ErrorCase("rate_limit", S.RESOURCE_EXHAUSTED, True, retry_after_s=3.0),
    ],
    stream_error=ErrorCase("", S.UNAVAILABLE, True),
    sent_params=_chat_params,
    credential_header=("authorization", "Bearer vllm-conformance-token"),
)


# -- anthropic -----------------------------------------------------------------------------
def _anthropic(folder: Path) -> Upstream:
    key = "sk-ant-conformance-0001"
    return Upstream(
        AnthropicFake(key),
        lambda url: {
            "type": "anthropic",
            "base_url": url,
            "api_key": secret_file(folder, "anthropic_key", key),
        },
    )


ANTHROPIC = AdapterSpec(
    recorded_tool_calls=ORDER_CALLS,
    recorded_tool_usage=Usage(402, 98),
    id="anthropic",
    make=_anthropic,
    recorded_usage=Usage(21, 12),
    errors=[
        ErrorCase("rate_limit", S.RESOURCE_EXHAUSTED, True, retry_after_s=12.0),
        ErrorCase("overloaded", S.UNAVAILABLE, True),
        ErrorCase("invalid_request", S.INVALID_ARGUMENT, False),
        ErrorCase("auth", S.FAILED_PRECONDITION, True),
        ErrorCase("api_error", S.UNAVAILABLE, True),
    ],
    stream_error=ErrorCase("", S.UNAVAILABLE, True),  # overloaded_error event
    sent_params=_sent_params("max_tokens", "stop_sequences"),
    credential_header=("x-api-key", "sk-ant-conformance-0001"),
)


# -- bedrock -------------------------------------------------------------------------------
def _bedrock(folder: Path) -> Upstream:
    return Upstream(
        BedrockFake(AWS_KEY, AWS_SECRET, "eu-central-1"),
        lambda url: {
            "type": "bedrock",
            "region": "eu-central-1",
            "endpoint_url": url,
            "credentials": _aws_credentials(folder),
        },
    )


BEDROCK = AdapterSpec(
    recorded_embeddings=(2, 12, 12),
    embedding_error=ErrorCase("throttling", S.RESOURCE_EXHAUSTED, True),
    recorded_tool_calls=ORDER_CALLS,
    recorded_tool_usage=Usage(391, 112),
    id="bedrock",
    make=_bedrock,
    recorded_usage=Usage(17, 12),
    errors=[
        ErrorCase("throttling", S.RESOURCE_EXHAUSTED, True),
        ErrorCase("validation", S.INVALID_ARGUMENT, False),
        ErrorCase("access_denied", S.FAILED_PRECONDITION, True),
        ErrorCase("service_unavailable", S.UNAVAILABLE, True),
        ErrorCase("model_timeout", S.DEADLINE_EXCEEDED, True),
    ],
    stream_error=ErrorCase("", S.RESOURCE_EXHAUSTED, True),  # throttlingException frame
    sent_params=_sent_params("maxTokens", "stopSequences", under="inferenceConfig"),
    credential_header=("authorization", f"AWS4-HMAC-SHA256 Credential={AWS_KEY}/"),
)


# -- vertex --------------------------------------------------------------------------------
def _vertex(folder: Path) -> Upstream:
    holder: dict[str, VertexFake] = {}

    def config(url: str) -> dict:
        info, public_key = service_account(f"{url}/token")
        fake = holder["fake"]
        fake.public_key, fake.client_email = public_key, info["client_email"]
        return {
            "type": "vertex",
            "project": "modelgw-test",
            "region": "europe-west4",
            "endpoint_url": url,
            "credentials_file": secret_file(folder, "vertex_sa.json", json.dumps(info)),
        }

    holder["fake"] = VertexFake("modelgw-test", "europe-west4", None, "")  # key: see config()
    return Upstream(holder["fake"], config)


VERTEX = AdapterSpec(
    recorded_embeddings=(2, 12, 14),
    embedding_error=ErrorCase("resource_exhausted", S.RESOURCE_EXHAUSTED, True),
    recorded_tool_calls=ORDER_CALLS,
    recorded_tool_usage=Usage(71, 24),
    tool_arguments_stream=False,
    tool_call_ids=False,
    id="vertex",
    make=_vertex,
    recorded_usage=Usage(9, 10),
    errors=[
        ErrorCase("resource_exhausted", S.RESOURCE_EXHAUSTED, True),
        ErrorCase("invalid_argument", S.INVALID_ARGUMENT, False),
        ErrorCase("permission_denied", S.FAILED_PRECONDITION, True),
        ErrorCase("unavailable", S.UNAVAILABLE, True),
    ],
    stream_error=ErrorCase("", S.UNAVAILABLE, True),
    sent_params=_sent_params("maxOutputTokens", "stopSequences", under="generationConfig"),
    credential_header=("authorization", "Bearer ya29.fake-"),
)


# -- sagemaker -------------------------------------------------------------------------------
def _sagemaker(container: str):
    def make(folder: Path) -> Upstream:
        return Upstream(
            SageMakerFake(AWS_KEY, AWS_SECRET, "eu-west-1", container),
            lambda url: {
                "type": "sagemaker",
                "region": "eu-west-1",
                "endpoint_url": url,
                "container": container,
                "credentials": _aws_credentials(folder),
            },
        )

    return make


SAGEMAKER = AdapterSpec(
    recorded_tool_calls=ORDER_CALLS,
    recorded_tool_usage=Usage(82, 54),
    id="sagemaker",
    make=_sagemaker("openai_chat"),
    recorded_usage=Usage(30, 10),
    errors=[
        ErrorCase("throttling", S.RESOURCE_EXHAUSTED, True),
        ErrorCase("model_error", S.INVALID_ARGUMENT, False),  # 424 wrapping the container's 400
        ErrorCase("validation", S.INVALID_ARGUMENT, False),
        ErrorCase("service_unavailable", S.UNAVAILABLE, True),
    ],
    stream_error=ErrorCase("", S.UNAVAILABLE, True),  # ModelStreamError frame
    sent_params=_chat_params,
    credential_header=("authorization", f"AWS4-HMAC-SHA256 Credential={AWS_KEY}/"),
)

SAGEMAKER_TGI = AdapterSpec(
    id="sagemaker_tgi",
    provider_type_name="sagemaker",
    make=_sagemaker("tgi"),
    recorded_usage=Usage(25, 10),
    errors=[
        ErrorCase("throttling", S.RESOURCE_EXHAUSTED, True),
        ErrorCase("model_error", S.UNAVAILABLE, True),  # 424 wrapping the container's 503
    ],
    stream_error=ErrorCase("", S.UNAVAILABLE, True),
    sent_params=_sent_params("max_new_tokens", "stop", under="parameters"),
    credential_header=("authorization", f"AWS4-HMAC-SHA256 Credential={AWS_KEY}/"),
)


# -- cohere --------------------------------------------------------------------------------
def _cohere(folder: Path) -> Upstream:
    key = "cohere-conformance-key-0001"
    return Upstream(
        CohereFake(key),
        lambda url: {
            "type": "cohere",
            "base_url": url,
            "api_key": secret_file(folder, "cohere_key", key),
        },
    )


COHERE = AdapterSpec(
    id="cohere",
    make=_cohere,
    recorded_usage=Usage(14, 9),
    errors=[
        ErrorCase("rate_limit", S.RESOURCE_EXHAUSTED, True, retry_after_s=4.0),
        ErrorCase("invalid_request", S.INVALID_ARGUMENT, False),
        ErrorCase("invalid_token", S.FAILED_PRECONDITION, True),
        ErrorCase("server_error", S.UNAVAILABLE, True),
        ErrorCase("unavailable", S.UNAVAILABLE, True, retry_after_s=2.0),
    ],
    stream_error=ErrorCase("", S.UNAVAILABLE, True),  # message-end with finish_reason ERROR
    sent_params=_sent_params("max_tokens", "stop_sequences"),
    credential_header=("authorization", "Bearer cohere-conformance-key-0001"),
    recorded_tool_calls=ORDER_CALLS,
    recorded_tool_usage=Usage(87, 41),
    recorded_embeddings=(2, 12, 13),
    embedding_error=ErrorCase("rate_limit", S.RESOURCE_EXHAUSTED, True, retry_after_s=4.0),
)

ALL = [OPENAI, AZURE, COMPATIBLE, ANTHROPIC, BEDROCK, VERTEX, SAGEMAKER, SAGEMAKER_TGI, COHERE]
