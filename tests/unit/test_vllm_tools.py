"""Function calling on local models: the chat template renders tools, the parser finds calls.

The gateway owns the text side of a vLLM worker: it renders the model's chat
template (now with `tools`, earlier calls and tool results) and reads the
model's tool calls out of the detokenized text (`<tool_call>{json}</tool_call>`,
the Hermes format), at any split of the stream.
"""

from __future__ import annotations

import json
from itertools import pairwise

import pytest

from modelgw.common.errors import BackendError
from modelgw.common.messages import ChatMessage, Role
from modelgw.common.tools import ToolCall, ToolCallDelta, ToolDefinition
from modelgw.providers.vllm.tokenizer import ModelTokenizer
from modelgw.providers.vllm.tool_parser import HermesToolParser
from tests.vllm_support.tiny_tokenizer import CHAT_TEMPLATE, TOOLS_TEMPLATE, train_tokenizer

TOOL = ToolDefinition(
    "lookup",
    "Find <PERSON_1>'s orders",
    json.dumps({"type": "object", "properties": {"query": {"type": "string"}}}),
)
ANSWER = (
    'Let me check.\n<tool_call>\n{"name": "lookup", "arguments": {"query": "<PERSON_1>"}}\n'
    '</tool_call>\n<tool_call>\n{"name": "lookup", "arguments": {"query": "A-1"}}\n</tool_call>'
)


def _tokenizer(template: str) -> ModelTokenizer:
    return ModelTokenizer(train_tokenizer(), template, "<s>", "</s>", "f")


def _parse(pieces: list[str]) -> tuple[str, list[ToolCallDelta]]:
    parser = HermesToolParser()
    text, calls = "", list[ToolCallDelta]()
    for piece in pieces:
        out, found = parser.feed(piece)
        text, calls = text + out, calls + found
    out, found = parser.finish()
    return text + out, calls + found


def test_every_split_offset_finds_the_same_calls() -> None:
    for cut in range(1, len(ANSWER)):
        text, calls = _parse([ANSWER[:cut], ANSWER[cut:]])
        assert text == "Let me check.\n", cut
        assert [(c.index, c.name, json.loads(c.arguments)) for c in calls] == [
            (0, "lookup", {"query": "<PERSON_1>"}),
            (1, "lookup", {"query": "A-1"}),
        ]
        assert all(c.id.startswith("call_") for c in calls)


def test_text_that_only_looks_like_a_call_stays_text() -> None:
    for text in ("a <tool", "x < y and <tool_call>not json</tool_call>", "<tool_calls are fun"):
        for cut in range(1, len(text)):
            assert _parse([text[:cut], text[cut:]]) == (text, [])


def test_an_unclosed_block_at_the_end_is_a_call_when_its_json_is_whole() -> None:
    text, calls = _parse(['<tool_call>{"name": "f", "arguments": {}}'])
    assert text == "" and calls[0].name == "f" and calls[0].arguments == "{}"


def test_the_template_renders_tools_calls_and_results() -> None:
    messages = [
        ChatMessage(Role.USER, "find <PERSON_1>"),
        ChatMessage(Role.ASSISTANT, "", (ToolCall("call_1", "lookup", '{"query": "x"}'),)),
        ChatMessage(Role.TOOL, '{"orders": 2}', tool_call_id="call_1"),
    ]
    prompt = _tokenizer(TOOLS_TEMPLATE).render_chat(messages, (TOOL,))
    assert "Find <PERSON_1>'s orders" in prompt, "tojson as Hugging Face renders it: no \\u003c"
    assert '<tool_call>{"name": "lookup", "arguments": {"query": "x"}}</tool_call>' in prompt
    assert '<tool_response>{"orders": 2}</tool_response>' in prompt
    assert prompt.endswith("<|assistant|>\n")


def test_a_template_without_tools_is_refused_clearly() -> None:
    with pytest.raises(BackendError, match="takes no tools") as caught:
        _tokenizer(CHAT_TEMPLATE).render_chat([ChatMessage(Role.USER, "hi")], (TOOL,))
    assert not caught.value.retryable
    assert _tokenizer(CHAT_TEMPLATE).render_chat([ChatMessage(Role.USER, "hi")])


def test_pieces_are_never_part_of_a_block() -> None:
    parser = HermesToolParser()
    for a, b in pairwise([0, 5, 14, 20, len(ANSWER)]):
        text, _ = parser.feed(ANSWER[a:b])
        assert "<tool" not in text and "</tool" not in text
