# ruff: noqa: RUF001  (the letters of other alphabets are the point)
"""Addresses in the formats of India, Nigeria, Japan, Turkey, Brazil, Italy, Spain, France, UK."""

from __future__ import annotations

import pytest

from modelgw.trust.normalise import normalise
from modelgw.trust.place_names import load_place_names
from modelgw.trust.recognizers.address_world import WorldAddressRecognizer


@pytest.fixture(scope="module")
def recognizer() -> WorldAddressRecognizer:
    return WorldAddressRecognizer(load_place_names())


def found(recognizer: WorldAddressRecognizer, text: str) -> list[str]:
    copy = normalise(text)
    return [text[slice(*copy.to_original(s, e))] for s, e in recognizer.find(copy.text)]


@pytest.mark.parametrize(
    "address",
    [
        "H.No. 12-4-31/B, Gandhi Nagar, Warangal, Telangana 506002",
        "No. 17, 2nd Main, 5th Cross, Jayanagar, Bengaluru, Karnataka 560041",
        "Plot 7, Adeola Odeku Street\nVictoria Island, Lagos 101241",
        "2-14-3 Hongo, Bunkyo-ku, Tokyo 113-0033",
        "4-2-8 Shibakoen Park Tower 1204\nMinato-ku, Tokyo 105-0011",
        "Bağdat Cad. No: 210 D: 5, 34728 Kadıköy/İstanbul",
        "Caferağa Mah., Moda Cad. No: 12 D: 3, 34710 Kadıköy/İstanbul",
        "Rua Augusta, 1500 - Apto 32, 01304-001 São Paulo - SP",
        "Via Roma 12, 09124 Cagliari CA",
        "Calle Mayor, 5, 3.º izq., 28013 Madrid",
        "Avenida de América, 12, bajo, 28028 Madrid",
        "12 bis, rue des Lilas\n75019 Paris",
        "Bâtiment C, appartement 12, 4, rue de la Paix, 75002 Paris",
        "Flat 3, Rowan Court, 12 Mill Lane, Leeds, LS6 2AB",
        # a block's lines above its town line, numbered or not
        "Flat 168, Prestige Lakeside\nSector 62\nHill Town, Kerala 777624",
        "5-17-17 Shibuya Grand Palace 1157\nNaka-ku, Nagoya 462-0523",
        "1-4-12 sakae\nshimonakatsukawa 666-5607",
        # the postcode before the town, after a block
        "3-21-12 Honcho, 969-2598 Toyama",
        "3-36-12 motomachi\n720-0597 hakodate",
        # Brazil: the street's number ends its line, the CEP, town and state the next
        "Rua das Flores, 1982, Bloco B, apto 35\n65578-188 Serra do Mel - RS",
        "AVENIDA PAULISTA, 2547\n64399-301 MURICILÂNDIA - PR",
    ],
)
def test_an_address_is_one_block(recognizer: WorldAddressRecognizer, address: str) -> None:
    assert found(recognizer, f"Please ship to:\n{address}\n\nThanks") == [address]


@pytest.mark.parametrize(
    ("text", "address"),
    [
        ("Registered at 40210 Düsseldorf", None),
        ('"city": "40210 Düsseldorf"', "40210 Düsseldorf"),
        ("Our office moved to Pune, Maharashtra 411001 last year.", "Pune, Maharashtra 411001"),
        ("Visit Kita-ku, Osaka 530-0001 soon", "Kita-ku, Osaka 530-0001"),
        # A form's next field ends the address block.
        ("Postcode: LS6 2AB\nPhone (mobile): 07700 900123", "LS6 2AB"),
        # a flat and its building's name before the street, in running text
        (
            "Keep the address as is: Flat 9, The Maltings, 32a Ladypit Lane, London, EC1R 7LU",
            "Flat 9, The Maltings, 32a Ladypit Lane, London, EC1R 7LU",
        ),
        # a label or a phone number's line above ends the climb
        (
            "Home address:\nSector 62\nHill Town, Kerala 777624",
            "Sector 62\nHill Town, Kerala 777624",
        ),
        (
            "Office 0802 182 8889\n4, Allen Avenue\nWuse II, Abuja 900130",
            "4, Allen Avenue\nWuse II, Abuja 900130",
        ),
        (
            "t: 03-1238-4978#5596\n1-4-12 sakae\nshimonakatsukawa 666-5607",
            "1-4-12 sakae\nshimonakatsukawa 666-5607",
        ),
    ],
)
def test_town_lines_of_more_countries(
    recognizer: WorldAddressRecognizer, text: str, address: str | None
) -> None:
    assert found(recognizer, text) == ([address] if address else [])


@pytest.mark.parametrize(
    "text",
    [
        "We sold 12 units in 2024, revenue 150000 up on last year",
        "Meet at 5-1-13 then lunch",
        "Ticket 4 - PR review pending",
        "Order 123456 shipped, invoice 654321 paid",
        "Call 555-1234 after lunch",
        "Ticket 123-4567 Tokyo team, see 3-2-1 above",
    ],
)
def test_numbers_in_prose_are_no_address(recognizer: WorldAddressRecognizer, text: str) -> None:
    assert found(recognizer, text) == []
