"""Postal addresses: one block per address, in the formats of many countries, and no prose."""

from __future__ import annotations

import pytest

from modelgw.common.config.providers import Locality
from modelgw.common.config.tenants import EntityAction, EntityPolicy
from modelgw.trust.place_names import load_place_names
from modelgw.trust.recognizers.address import AddressRecognizer


@pytest.fixture(scope="module")
def recognizer() -> AddressRecognizer:
    return AddressRecognizer(load_place_names())


def found(recognizer: AddressRecognizer, text: str) -> list[str]:
    return [text[a:b] for a, b in recognizer.find(text)]


@pytest.mark.parametrize(
    "address",
    [
        "1777 Kramer Court\nJohnsonfurt, NE 80119",
        "0681 Crystal Stream Suite 158\nRomeroborough, NL V1X8R4",
        "9262 Berg Route Apt. 749, South Anna, PR 43347",
        "PSC 1234, Box 5678\nAPO AA 12345",
        "USNS Keller\nFPO AE 77758",
        "Unit 4020 Box 1132, DPO AP 42154",
        "P.O. Box 4418\nPort Rebeccaberg, MO 75519",
        "Studio 36U\nDebra Forges\nSinghside\nN33 4AS",
        "Level 9 86 Timothy Vale\nPerryburgh, TAS, 9517",
        "17 O'Rafferty Street W31AWX4 Roisin Ville",
        "Drubinstraße 47-26\n06690 Groß-Gerau",
        "Bauerstr. 89/69, 08159 Meiningen",
        "5, avenue Samson\n57583 LacroixBourg",
        "Via de Ana Sofía Sancho 46\nMadrid, 02857",
        "Strada Taliercio, 47\n56011, Gabella (PI)",
        "Gerritsingel 7\n1317 YB\n's-Heer Hendrikskinderen",
        "ul. Paderewskiego 77\n61-668 Kołobrzeg",
        "Praia Monteiro, 435\nVila Independencia 3ª Seção\n74068124 Souza / MT",
        "Avenida de Mota, 77\n1170-669 Mealhada",
        "Skolvägen 76\n71706 Ängelholm",
        "Grammova 8\n777 63 Městec Králové",
        "Bergrøa 631, 0669 Ruthnes",
        "Györgyhalasi utca 121.\nH-7317 Mátrahetvenváros",
    ],
)
def test_an_address_is_one_block(recognizer: AddressRecognizer, address: str) -> None:
    text = f"Please ship it to:\n{address}\n\nThanks"
    assert found(recognizer, text) == [address]


@pytest.mark.parametrize(
    ("text", "address"),
    [
        ("i live at 12 main street, springfield.", "12 main street, springfield"),
        ("SEND IT TO 1777 KRAMER COURT, JOHNSONFURT, NE 80119 PLEASE", None),
        ("The old postal code 67-177 is no longer valid", "67-177"),
        ("my zip code is 90210.", "90210"),
        # a street with no type word, after prose on its line; a type word in lower case
        ("Please ship it to Bringa 1015, 5520 Stykkishólmur.", "Bringa 1015, 5520 Stykkishólmur"),
        ("send it to Mänsaku park 472, 82303 Sillamäe.", "Mänsaku park 472, 82303 Sillamäe"),
    ],
)
def test_case_and_postcodes_in_context(
    recognizer: AddressRecognizer, text: str, address: str | None
) -> None:
    expected = address or "1777 KRAMER COURT, JOHNSONFURT, NE 80119"
    assert found(recognizer, text) == [expected]


@pytest.mark.parametrize(
    "text",
    [
        "We played 3 Green Lights and shipped 250 units via DHL 3 times.",
        "Version 2.4.1 fixed the regression introduced in 2.3.0, see ticket 4821.",
        "The order of 250 units ships in 2 boxes, each 40 x 30 x 20 cm.",
        "i have 3 green lights on the dashboard",
        "earned 500 bonus points during the spring campaign",
        "Meet me at the office at 10 on Main, then lunch.",
        # a state code only before its own country's postcode, in capitals in a text with any
        "Prefers WhatsApp on 0509 036 85 14. Follow up via assistant Jörg.",
        "pls text agnès on 0033 1 24 50 75 50 that the van is late",
        "Call Dana in 2024 about the renewal.",
    ],
)
def test_prose_with_numbers_is_no_address(recognizer: AddressRecognizer, text: str) -> None:
    assert found(recognizer, text) == []


async def test_tenants_switch_addresses_like_any_other_entity(trust_engine) -> None:
    text = "Ship to 1777 Kramer Court, Johnsonfurt, NE 80119 today."
    external = frozenset({Locality.EXTERNAL})
    masked = await trust_engine.protect([text], EntityPolicy(), external, tenant="t")
    assert masked.by_locality[Locality.EXTERNAL].texts == ("Ship to <ADDRESS_1> today.",)
    allowed = EntityPolicy(external={"ADDRESS": EntityAction.ALLOW})
    kept = await trust_engine.protect([text], allowed, external, tenant="u")
    assert kept.by_locality[Locality.EXTERNAL].texts == (text,)


@pytest.mark.parametrize(
    "text",
    [
        "We ordered Widgets 40, 2000 Units yesterday.",
        "The invoice total was 1015, 5520 Euros.",
        "Send it to my office 472, 82303 Sillamäe.",
    ],
)
def test_prose_before_a_postcode_is_no_street(recognizer: AddressRecognizer, text: str) -> None:
    assert found(recognizer, text) == []
