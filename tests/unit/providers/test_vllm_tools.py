"""Function calling, JSON output and embeddings on the `vllm` backend, through the gateway.

The worker is the scripted `FakeEngine` (the real VllmEngine protocol on a real
port) serving a Hermes-style chat template: the gateway renders the template
with the tools and the masked history, the scripted model answers with a
`<tool_call>` block holding placeholders, and the caller gets the call with its
original values. A real vLLM would see exactly these token ids; the tiny
random-weight test model could not decide to call a tool, so its answer is
scripted here rather than sampled.
"""

from __future__ import annotations

import json
from pathlib import Path

from modelgw.api.v1 import audit_pb2, common_pb2, gateway_pb2
from modelgw.common.config.defaults import embedded_config
from modelgw.common.config.schema import ModelgwConfig
from modelgw.providers.echo import echo_vector
from tests.harness import running_gateway
from tests.vllm_support.fake_engine import fake_engine
from tests.vllm_support.tiny_tokenizer import TOOLS_TEMPLATE

KEY = "mgw_test_vllm_tools_key_01"
AUTH = (("authorization", f"Bearer {KEY}"),)
NAME, EMAIL = "John Smith", "john.smith@example.com"
PROMPT = f"Find the orders of {NAME}, mail {EMAIL}."
ANSWER = (
    '<tool_call>\n{"name": "find_orders", "arguments": '
    '{"customer": "<PERSON_1>", "mail": "<EMAIL_ADDRESS_1>"}}\n</tool_call>'
)
TOOL = common_pb2.ToolDefinition(
    name="find_orders",
    description="Orders of a customer",
    parameters=json.dumps({"type": "object", "properties": {"customer": {"type": "string"}}}),
)


def _config(tmp_path: Path, **providers: dict) -> ModelgwConfig:
    data = embedded_config(KEY).model_dump(mode="json")
    data["audit"] = {"url": f"sqlite+aiosqlite:///{tmp_path}/audit.db"}
    data["providers"].update(providers)
    for name in providers:
        data["models"][name] = {"route": [{"provider": name}]}
    return ModelgwConfig.model_validate(data)


async def test_tool_calls_from_a_local_model_come_back_restored(tmp_path, trust_engine) -> None:
    async with fake_engine(tmp_path / "w", TOOLS_TEMPLATE, answer=ANSWER) as worker:
        config = _config(tmp_path, local={"type": "vllm", "workers": [worker.address]})
        request = gateway_pb2.GenerateRequest(
            model="local",
            messages=[common_pb2.ChatMessage(role=common_pb2.ROLE_USER, content=PROMPT)],
            params=common_pb2.GenerationParams(tools=[TOOL]),
        )
        async with running_gateway(config, trust_engine=trust_engine) as gw:
            reply = await gw.gateway.Generate(request, metadata=AUTH)
            streamed = [r async for r in gw.gateway.GenerateStream(request, metadata=AUTH)]
            record = await gw.audit.GetRecord(
                audit_pb2.GetRecordRequest(request_id=reply.request_id), metadata=AUTH
            )
        prompt = worker.engine.tokenizer.decode(worker.engine.calls[0].input_ids)

    (call,) = reply.message.tool_calls
    assert call.name == "find_orders" and call.id.startswith("call_")
    assert json.loads(call.arguments) == {"customer": NAME, "mail": EMAIL}
    assert reply.finish_reason == common_pb2.FINISH_REASON_TOOL_CALLS
    assert reply.message.content == ""
    pieces = [d for r in streamed for d in r.tool_calls]
    assert json.loads("".join(p.arguments for p in pieces)) == {"customer": NAME, "mail": EMAIL}

    assert '"name": "find_orders"' in prompt and "Orders of a customer" in prompt
    assert "<PERSON_1>" in prompt and NAME not in prompt and EMAIL not in prompt
    assert "<PERSON_1>" in record.masked_tool_calls[0].arguments


async def test_json_schema_is_the_engines_guided_decoding(tmp_path, trust_engine) -> None:
    answer = '{"customer": "<PERSON_1>"}'
    schema = json.dumps({"type": "object", "properties": {"customer": {"type": "string"}}})
    async with fake_engine(tmp_path / "w", answer=answer) as worker:
        config = _config(tmp_path, local={"type": "vllm", "workers": [worker.address]})
        response_format = common_pb2.ResponseFormat(
            type=common_pb2.RESPONSE_FORMAT_TYPE_JSON_SCHEMA, name="contact", schema=schema
        )
        request = gateway_pb2.GenerateRequest(
            model="local",
            messages=[common_pb2.ChatMessage(role=common_pb2.ROLE_USER, content=PROMPT)],
            params=common_pb2.GenerationParams(response_format=response_format),
        )
        async with running_gateway(config, trust_engine=trust_engine) as gw:
            reply = await gw.gateway.Generate(request, metadata=AUTH)
        assert worker.engine.calls[0].json_schema == schema
    assert json.loads(reply.message.content) == {"customer": NAME}


async def test_embeddings_on_a_pooling_pool(tmp_path, trust_engine) -> None:
    async with fake_engine(tmp_path / "w") as worker:
        config = _config(
            tmp_path, embedder={"type": "vllm", "workers": [worker.address], "task": "embed"}
        )
        async with running_gateway(config, trust_engine=trust_engine) as gw:
            reply = await gw.gateway.Embed(
                gateway_pb2.EmbedRequest(model="embedder", inputs=[PROMPT, "plain text"]),
                metadata=AUTH,
            )
    sent = [worker.engine.tokenizer.decode(c.input_ids) for c in worker.engine.calls]
    masked = next(text for text in sent if "PERSON" in text)
    assert "<PERSON_1>" in masked and NAME not in "".join(sent)
    vectors = [list(e.values) for e in reply.embeddings]
    assert len(vectors) == 2 and reply.usage.prompt_tokens > 0
    for vector, text in zip(vectors, [masked, "plain text"], strict=True):
        expected = echo_vector(text)
        assert all(abs(a - b) < 1e-6 for a, b in zip(vector, expected, strict=True))
