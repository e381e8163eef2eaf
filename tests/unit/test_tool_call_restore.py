"""The model's tool calls reach the caller with the original values, whole and valid JSON.

A placeholder can be split across argument deltas at any offset, and calls of
one answer stream side by side (interleaved indexes): every split must give the
same restored arguments, never a partial placeholder, and arguments that parse as
JSON even when a restored value holds a quote, a backslash or a line break.
"""

from __future__ import annotations

import json
from itertools import pairwise

from hypothesis import given, settings
from hypothesis import strategies as st

from modelgw.common.tools import ToolCall, ToolCallDelta
from modelgw.gateway.chat import StreamToolCall
from modelgw.gateway.json_texts import escape_in_string
from modelgw.gateway.tool_calls import ToolCallCollector, ToolCallRelay
from modelgw.trust.restore import StreamRestorer, restore_text
from modelgw.trust.vault import Vault

VALUES = {
    "PERSON": 'Sean "Jack" O\\Brien',
    "EMAIL_ADDRESS": "sean.obrien@example.com",
    "PHONE_NUMBER": "+353 1 555\n0132",
}


def _vault() -> Vault:
    vault = Vault()
    for entity_type, value in VALUES.items():
        vault.placeholder_for(entity_type, value)
    return vault


VAULT = _vault()
MASKED = (
    '{"customer": "<PERSON_1>", "contact": {"email": "<EMAIL_ADDRESS_1>", '
    '"phone": "PHONE_NUMBER_1"}, "note": "call <PERSON_1> back", "unknown": "<PERSON_7>"}'
)
EXPECTED = {
    "customer": VALUES["PERSON"],
    "contact": {"email": VALUES["EMAIL_ADDRESS"], "phone": VALUES["PHONE_NUMBER"]},
    "note": f"call {VALUES['PERSON']} back",
    "unknown": "<PERSON_7>",
}
SECOND = '{"to": "<EMAIL_ADDRESS_1>"}'


def _deltas(index: int, text: str, cuts: list[int], call_id: str) -> list[ToolCallDelta]:
    bounds = [0, *sorted(set(cuts)), len(text)]
    pieces = [text[a:b] for a, b in pairwise(bounds)]
    first = ToolCallDelta(index, call_id, "lookup", pieces[0])
    return [first, *(ToolCallDelta(index, arguments=p) for p in pieces[1:])]


def _relay(deltas: list[ToolCallDelta]) -> tuple[list[StreamToolCall], ToolCallRelay]:
    relay = ToolCallRelay(VAULT)
    events: list[StreamToolCall] = []
    for delta in deltas:
        events += relay.feed([delta])
    events += relay.finish()
    return events, relay


def _joined(events: list[StreamToolCall]) -> tuple[ToolCall, ...]:
    collector = ToolCallCollector()
    for event in events:
        collector.add(event)
    return collector.calls()


def test_every_split_offset_restores_whole_values_as_valid_json() -> None:
    for offset in range(1, len(MASKED)):
        events, relay = _relay(_deltas(0, MASKED, [offset], "call_a"))
        (call,) = _joined(events)
        assert (call.id, call.name) == ("call_a", "lookup")
        assert json.loads(call.arguments) == EXPECTED, offset
        assert relay.masked() == (ToolCall("call_a", "lookup", MASKED),)
        assert relay.restored() == (call,)
        for event in events:
            assert "<PERSON_1" not in event.arguments and "EMAIL_ADDRESS_1" not in event.arguments


def test_every_pair_of_offsets_in_the_first_placeholder() -> None:
    start = MASKED.index("<PERSON_1>")
    for a in range(start - 2, start + 12):
        for b in range(a + 1, start + 14):
            events, _ = _relay(_deltas(0, MASKED, [a, b], "call_a"))
            assert json.loads(_joined(events)[0].arguments) == EXPECTED, (a, b)


def test_interleaved_calls_are_restored_apart() -> None:
    """Two calls streamed side by side: each index has its own restorer."""
    for offset in range(1, len(SECOND)):
        first = _deltas(0, MASKED, [offset, offset + 7], "call_a")
        second = _deltas(1, SECOND, [offset], "call_b")
        mixed = [d for pair in zip(first, second, strict=False) for d in pair]
        mixed += first[len(second) :] + second[len(first) :]
        calls = _joined(_relay(mixed)[0])
        assert [c.id for c in calls] == ["call_a", "call_b"]
        assert json.loads(calls[0].arguments) == EXPECTED
        assert json.loads(calls[1].arguments) == {"to": VALUES["EMAIL_ADDRESS"]}


def test_the_first_event_of_a_call_names_it_even_if_the_name_comes_late() -> None:
    relay = ToolCallRelay(VAULT)
    assert relay.feed([ToolCallDelta(0, arguments='{"a": "<PERSON_1>"')]) == []
    events = relay.feed([ToolCallDelta(0, id="c", name="f", arguments="}")])
    events += relay.finish()
    assert events[0].id == "c" and events[0].name == "f"
    assert json.loads("".join(e.arguments for e in events)) == {"a": VALUES["PERSON"]}


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(min_value=1, max_value=len(MASKED) - 1), max_size=12))
def test_any_chunking_gives_the_whole_text_restored(cuts: list[int]) -> None:
    events, _ = _relay(_deltas(0, MASKED, cuts, "call_a"))
    assert json.loads(_joined(events)[0].arguments) == EXPECTED


def test_the_escape_hook_is_the_only_difference_from_prose() -> None:
    """Prose gets values as they are; JSON strings get them escaped, by the same restorer."""
    text = "Hi <PERSON_1>"
    assert restore_text(text, VAULT) == f"Hi {VALUES['PERSON']}"
    assert restore_text(text, VAULT, escape_in_string) == 'Hi Sean \\"Jack\\" O\\\\Brien'
    restorer = StreamRestorer(VAULT, escape_in_string)
    out = restorer.feed('"<PERS') + restorer.feed('ON_1>"') + restorer.finish()
    assert json.loads(out) == VALUES["PERSON"]
