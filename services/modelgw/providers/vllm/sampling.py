"""Our generation parameters → vLLM's `SamplingParams` message.

Unset fields stay unset so the worker's own defaults (the model's
generation_config) apply, as with vLLM's OpenAI server. The engine gets the
stop strings so it stops generating; the gateway cuts the text itself.
"""

from __future__ import annotations

from smg_grpc_proto.generated import vllm_engine_pb2

from modelgw.common.messages import GenerationParams
from modelgw.common.tools import ResponseFormatType

_INT32_MAX = 2**31 - 1


def sampling_params(
    params: GenerationParams, *, default_max_tokens: int | None
) -> vllm_engine_pb2.SamplingParams:
    out = vllm_engine_pb2.SamplingParams(
        n=1,
        skip_special_tokens=True,
        spaces_between_special_tokens=True,
        stop=list(params.stop),
    )
    if params.temperature is not None:
        out.temperature = params.temperature
    if params.top_p is not None:
        out.top_p = params.top_p
    if params.presence_penalty is not None:
        out.presence_penalty = params.presence_penalty
    if params.frequency_penalty is not None:
        out.frequency_penalty = params.frequency_penalty
    max_tokens = params.max_tokens if params.max_tokens is not None else default_max_tokens
    if max_tokens is not None:
        out.max_tokens = max_tokens
    if params.seed is not None:
        out.seed = params.seed % _INT32_MAX  # the engine takes an int32 seed
    # Structured output is the engine's guided decoding: the answer cannot leave the schema.
    response_format = params.response_format
    if response_format is not None and response_format.type is ResponseFormatType.JSON_SCHEMA:
        out.json_schema = response_format.schema or "{}"
    elif response_format is not None and response_format.type is ResponseFormatType.JSON_OBJECT:
        out.json_object = True
    return out
