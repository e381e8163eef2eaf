"""Restoring placeholders in whole texts and in streams cut at every possible offset."""

from __future__ import annotations

from modelgw.trust.restore import StreamRestorer, restore_text
from modelgw.trust.vault import Vault

ANSWER = "Dear <PERSON_1>, we emailed <EMAIL_ADDRESS_1>; <PERSON_1> may call <PHONE_NUMBER_1>."
RESTORED = "Dear Ada Lovelace, we emailed ada@example.com; Ada Lovelace may call +44 20 7946 0018."


def _vault() -> Vault:
    vault = Vault()
    vault.placeholder_for("PERSON", "Ada Lovelace")
    vault.placeholder_for("EMAIL_ADDRESS", "ada@example.com")
    vault.placeholder_for("PHONE_NUMBER", "+44 20 7946 0018")
    return vault


def test_same_value_same_placeholder_and_numbering_per_type() -> None:
    vault = Vault()
    assert vault.placeholder_for("PERSON", "Ada") == "<PERSON_1>"
    assert vault.placeholder_for("PERSON", "Bob") == "<PERSON_2>"
    assert vault.placeholder_for("PERSON", "Ada") == "<PERSON_1>"
    assert vault.placeholder_for("EMAIL_ADDRESS", "a@b.c") == "<EMAIL_ADDRESS_1>"


def test_restore_text_replaces_known_and_keeps_unknown_placeholders() -> None:
    assert restore_text(ANSWER, _vault()) == RESTORED
    assert restore_text("ask <PERSON_9>", _vault()) == "ask <PERSON_9>"


def test_stream_split_at_every_pair_of_offsets_equals_whole_restore() -> None:
    vault = _vault()
    for first in range(len(ANSWER) + 1):
        for second in range(first, len(ANSWER) + 1):
            restorer = StreamRestorer(vault)
            pieces = [
                restorer.feed(c) for c in (ANSWER[:first], ANSWER[first:second], ANSWER[second:])
            ]
            pieces.append(restorer.finish())
            assert "".join(pieces) == RESTORED
            for piece in pieces:
                assert "<PERS" not in piece and "<EMAIL" not in piece


def test_stream_holds_back_no_more_than_the_longest_placeholder() -> None:
    vault = _vault()
    restorer = StreamRestorer(vault)
    emitted = restorer.feed("a < b and x <PHONE")
    assert emitted == "a < b and x "
    assert restorer.feed("_NUMBER_1> done") == "+44 20 7946 0018 done"


def test_stream_without_vault_passes_text_through_immediately() -> None:
    restorer = StreamRestorer(Vault())
    assert restorer.feed("<PERSON") == "<PERSON"
    assert restorer.finish() == ""
