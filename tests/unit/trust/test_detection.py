# ruff: noqa: RUF001  (look-alike characters are the point of these tests)
"""Detection details: normalisation maps back, our recognizers, memo keys, tenant rules."""

from __future__ import annotations

import pytest

from modelgw.common.config.tenants import CustomPattern, DenyTerm, EntityPolicy
from modelgw.trust.memo import AnalysisMemo, memo_key
from modelgw.trust.normalise import normalise
from modelgw.trust.policy import policy_fingerprint
from modelgw.trust.recognizers.iban import CheckedIbanRecognizer, iban_checksum_ok
from modelgw.trust.recognizers.ip_address import IpAddressRecognizer
from modelgw.trust.recognizers.jwt import JwtRecognizer
from modelgw.trust.recognizers.password import PasswordRecognizer
from modelgw.trust.tenant_rules import compile_rules, find


@pytest.mark.parametrize(
    ("original", "folded", "value"),
    [
        ("mail john [at] example [dot] com now", "john@example.com", "john [at] example [dot] com"),
        ("card 4111•1111•1111•1111 ok", "4111-1111-1111-1111", "4111•1111•1111•1111"),
        ("ssn １２３-４５-６７８９", "123-45-6789", "１２３-４５-６７８９"),
        ("to j\u200bohn@ex\u00adample.com", "john@example.com", "j\u200bohn@ex\u00adample.com"),
        ("to jоhn@exаmple.com", "john@example.com", "jоhn@exаmple.com"),
    ],
)
def test_normalised_spans_map_back_to_the_original_characters(
    original: str, folded: str, value: str
) -> None:
    norm = normalise(original)
    start = norm.text.index(folded)
    a, b = norm.to_original(start, start + len(folded))
    assert original[a:b] == value


def test_plain_ascii_is_not_copied() -> None:
    text = "Nothing to fold here, 42 apples."
    assert normalise(text).text is text


def test_iban_checksum_and_trailing_words() -> None:
    assert iban_checksum_ok("DE89370400440532013000")
    assert not iban_checksum_ok("DE89370400440532013001")
    text = "pay to DE89 3704 0044 0532 0130 00 and done"
    [(a, b)] = CheckedIbanRecognizer().find(text)
    assert text[a:b] == "DE89 3704 0044 0532 0130 00"


def test_ip_jwt_password_recognizers() -> None:
    ip = IpAddressRecognizer()
    assert [t[a:b] for t in ["at fe80::1ff:fe23:4567:890a now"] for a, b in ip.find(t)] == [
        "fe80::1ff:fe23:4567:890a"
    ]
    assert ip.find("version 1.2.3.400 and time 12:30:45") == []
    token = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjMifQ.c2lnbmF0dXJlX2hlcmU"
    assert JwtRecognizer().find(f"token {token} end") != []
    assert JwtRecognizer().find("eyJnotjson.eyJxxxxxxxxxx.yyyy") == []
    text = "db_password='s3cr3t!x' and password: <hidden>"
    assert [text[a:b] for a, b in PasswordRecognizer().find(text)] == ["s3cr3t!x"]


def test_memo_keys_never_hold_text_and_differ_per_tenant() -> None:
    policy = EntityPolicy()
    text = "I am John Smith"
    key_a = memo_key(policy_fingerprint("tenant-a", policy), text)
    key_b = memo_key(policy_fingerprint("tenant-b", policy), text)
    assert key_a != key_b and b"John" not in key_a and len(key_a) == 32
    memo = AnalysisMemo(2)
    memo.put(key_a, [])
    assert memo.get(key_a) == () and memo.get(key_b) is None
    memo.put(b"x", [])
    memo.put(b"y", [])
    assert memo.get(key_a) is None  # evicted: bounded


def test_custom_patterns_and_deny_lists_change_the_fingerprint() -> None:
    plain = EntityPolicy()
    custom = EntityPolicy(
        custom_patterns=[CustomPattern(entity_type="EMPLOYEE_ID", regex=r"\bEMP-\d{6}\b")],
        deny_list=[DenyTerm(entity_type="PROJECT", terms=["Project Falcon"])],
    )
    assert policy_fingerprint("t", plain) != policy_fingerprint("t", custom)
    found = find(compile_rules(custom), "EMP-123456 works on project falcon.")
    assert [(t, a, b) for t, a, b, _ in found] == [("EMPLOYEE_ID", 0, 10), ("PROJECT", 20, 34)]


def test_custom_pattern_must_compile_and_not_match_empty() -> None:
    with pytest.raises(ValueError, match="regular expression"):
        CustomPattern(entity_type="X_ID", regex="(")
    with pytest.raises(ValueError, match="empty"):
        CustomPattern(entity_type="X_ID", regex="a*")


def test_a_policy_fingerprint_is_remembered_per_object_and_follows_its_rules() -> None:
    plain = EntityPolicy()
    custom = EntityPolicy(
        custom_patterns=[CustomPattern(entity_type="CASE_ID", regex=r"CASE-\d{6}", score=0.9)]
    )
    assert policy_fingerprint("t", plain) == policy_fingerprint("t", plain)
    assert policy_fingerprint("t", EntityPolicy()) == policy_fingerprint("t", plain)  # by value
    assert policy_fingerprint("t", custom) != policy_fingerprint("t", plain)
    assert policy_fingerprint("u", custom) != policy_fingerprint("t", custom)
