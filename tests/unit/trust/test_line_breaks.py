"""Which line breaks split a value (and are read through) and which only end a line."""

from __future__ import annotations

import pytest

from modelgw.trust.line_breaks import joins


@pytest.mark.parametrize(
    "text",
    [
        # a whole phone number, then an address's house number: two values, two lines
        "OFFICE +33 1 23 97 73 34\n28, AVENUE JEAN-JAURÈS",
        # a Luhn-valid run only by chance (`0802 182 88894`): no scheme issues it
        "Office 0802 182 8889\n4, Allen Avenue",
        # after a whole phone number, a street's number and name, or a Japanese block's
        "Tel. (201) 671-6915\n37472 Cedar Hollow Lane",
        "Tel. +81 90-1283-3662\n1-18-9 Chūō Grand Palace 744",
        # Japan's postal mark and postcode, then the block numbers in lower case
        "〒843-8077\n2-19-12 kitahama, hakodate-shi",
    ],
)
def test_a_line_that_ends_in_a_whole_phone_number_is_not_joined(text: str) -> None:
    assert joins(text) == []


@pytest.mark.parametrize(
    ("text", "glue"),
    [
        ("card 4111 1111\n1111 1111", " "),
        ("Call me on 727\n047 678 please", " "),
        ("call +92 21 2345678\n9 Ext. 86789", ""),  # an extension, not a street
    ],
)
def test_a_value_cut_by_the_break_is_joined(text: str, glue: str) -> None:
    at = text.index("\n")
    assert joins(text) == [(at, at + 1, glue)]
