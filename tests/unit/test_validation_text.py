"""Request checks that guard what the gateway stores: plain digits, whole-value patterns, no NUL."""

from __future__ import annotations

import pytest

from modelgw.common.errors import InvalidArgument
from modelgw.common.messages import CallerMetadata
from modelgw.gateway.validation import check_caller, client_request_id, timeout_ms


@pytest.mark.parametrize("value", ["²", "٣٠٠", "12\n", "1_000", " 12", "+5", "1e3", ""])
def test_timeouts_other_than_plain_ascii_digits_are_invalid_argument(value: str) -> None:
    with pytest.raises(InvalidArgument, match="ASCII digits"):
        timeout_ms(value)


def test_a_plain_timeout_is_seconds() -> None:
    assert timeout_ms("1500") == 1.5


@pytest.mark.parametrize("value", ["abc\n", "a\x00"])
def test_a_request_id_with_a_trailing_newline_or_nul_is_refused(value: str) -> None:
    with pytest.raises(InvalidArgument, match="request_id"):
        client_request_id(value)


@pytest.mark.parametrize(
    "caller",
    [
        CallerMetadata(session_id="ticket-1\n"),
        CallerMetadata(end_user="ada\x00"),
        CallerMetadata(labels={"team": "a\x00"}),
        CallerMetadata(labels={f"k{i}": "v" for i in range(65)}),
        CallerMetadata(labels={"k": "v" * 257}),
    ],
)
def test_caller_fields_the_audit_log_cannot_hold_are_refused(caller: CallerMetadata) -> None:
    with pytest.raises(InvalidArgument):
        check_caller(caller)
