# ruff: noqa: RUF001  (the letters of other alphabets are the point)
"""Addresses of countries nobody tuned on, written from each post's conventions.

Each case follows a rule of `address_global` or a libpostal word list
(`data/address_words.txt`); the streets and towns are real place names, the
numbers made up.
"""

from __future__ import annotations

import pytest

from modelgw.trust.name_lists import NameLists
from modelgw.trust.normalise import normalise
from modelgw.trust.place_names import load_place_names
from modelgw.trust.recognizers.address_global import GlobalAddressRecognizer


@pytest.fixture(scope="module")
def recognizer() -> GlobalAddressRecognizer:
    return GlobalAddressRecognizer(load_place_names())


def found(recognizer: GlobalAddressRecognizer, text: str) -> list[str]:
    copy = normalise(text)
    return [text[slice(*copy.to_original(s, e))] for s, e in recognizer.find(copy.text)]


@pytest.mark.parametrize(
    ("text", "address"),
    [
        # libpostal's glued endings (Icelandic `vegur`, `braut`) and a three-digit postcode
        ("Ship it to Laugavegur 12, 101 Reykjavík please", "Laugavegur 12, 101 Reykjavík"),
        ("My address is Hafnarbraut 3, 780 Höfn.", "Hafnarbraut 3, 780 Höfn"),
        # a Dutch ground floor after the number, then `NNNN AA town`
        (
            "Send it to Keizersgracht 452-H, 1016 GD Amsterdam, thanks",
            "Keizersgracht 452-H, 1016 GD Amsterdam",
        ),
        # a Czech district number after the town; a street with no type word after prose
        ("Adresa: Na Příkopě 12, 110 00 Praha 1", "Na Příkopě 12, 110 00 Praha 1"),
        ("Please deliver to Masarykova 1234/5, 602 00 Brno", "Masarykova 1234/5, 602 00 Brno"),
        # Hungarian: floor after its number, town line first, prose before the name
        (
            "Kossuth Lajos utca 12. 3. emelet 5., 1055 Budapest",
            "Kossuth Lajos utca 12. 3. emelet 5., 1055 Budapest",
        ),
        ("Cím: 1055 Budapest, Kossuth Lajos utca 12.", "1055 Budapest, Kossuth Lajos utca 12."),
        ("send to Váci út 33, 1134 Budapest", "Váci út 33, 1134 Budapest"),
        # Kenya: box number, then the post office's code
        ("Write to P.O. Box 30123-00100, Nairobi, Kenya", "P.O. Box 30123-00100, Nairobi, Kenya"),
        ("P.O. Box 4321 - 80100 Mombasa", "P.O. Box 4321 - 80100 Mombasa"),
        # Mexico's and Spain's word for the postcode
        ("Domicilio fiscal en Guadalajara, C.P. 44100", "44100"),
        # Portugal: floor and side of the flat
        (
            "Morada: Rua Augusta 100, 2.º Esq., 1100-048 Lisboa",
            "Rua Augusta 100, 2.º Esq., 1100-048 Lisboa",
        ),
        (
            "Avenida da Liberdade, 245, 4.º andar, 1250-143 Lisboa",
            "Avenida da Liberdade, 245, 4.º andar, 1250-143 Lisboa",
        ),
        # Finland: staircase letter and flat number after the house number
        ("Mannerheimintie 5 A 7, 00100 Helsinki", "Mannerheimintie 5 A 7, 00100 Helsinki"),
        # Romania: block, staircase, flat, six-digit postcode
        (
            "Strada Victoriei 25, bl. A2, sc. 1, ap. 4, 010063 București",
            "Strada Victoriei 25, bl. A2, sc. 1, ap. 4, 010063 București",
        ),
        # Mexico: a street named after a date, `#` before the number, the colonia
        (
            "Envíe a Calle 5 de Mayo #123, Col. Centro, 06000 Ciudad de México, CDMX.",
            "Calle 5 de Mayo #123, Col. Centro, 06000 Ciudad de México, CDMX",
        ),
        # Vietnam: `Đường` (libpostal) and the ward and district after the street
        (
            "Giao hàng: 123 Đường Lê Lợi, Phường Bến Thành, Quận 1, TP. Hồ Chí Minh",
            "123 Đường Lê Lợi, Phường Bến Thành, Quận 1, TP. Hồ Chí Minh",
        ),
        (
            "office at 45 Nguyễn Huệ, Phường Bến Nghé, Quận 1",
            "45 Nguyễn Huệ, Phường Bến Nghé, Quận 1",
        ),
        ("Số 1 Tràng Tiền, Hoàn Kiếm", "Số 1 Tràng Tiền, Hoàn Kiếm"),
        (
            "25 Nguyen Trai Street, Ben Thanh Ward, District 1",
            "25 Nguyen Trai Street, Ben Thanh Ward, District 1",
        ),
        # Russian, romanised and in Cyrillic; Iceland's `stígur`
        ("Send it to Tverskaya ulitsa 7, Moskva 125009", "Tverskaya ulitsa 7, Moskva 125009"),
        ("Tverskaya ulitsa, d. 7, Moskva 125009", "Tverskaya ulitsa, d. 7, Moskva 125009"),
        ("Skólavörðustígur 12, 101 Reykjavík", "Skólavörðustígur 12, 101 Reykjavík"),
        # Korea: road names romanised and in Hangul
        (
            "Our office: 152 Teheran-ro, Gangnam-gu, Seoul 06236",
            "152 Teheran-ro, Gangnam-gu, Seoul 06236",
        ),
        ("address: Sejong-daero 110, Jung-gu, Seoul", "Sejong-daero 110, Jung-gu, Seoul"),
        ("서울특별시 강남구 테헤란로 152 에 있습니다", "서울특별시 강남구 테헤란로 152"),
        # Latvian `iela` (libpostal, a word after the name); Indonesian `Jl.` and `No.`
        ("Brīvības iela 55, Rīga, LV-1010", "Brīvības iela 55, Rīga, LV-1010"),
        ("Jl. Sudirman No. 5, Jakarta 10220", "Jl. Sudirman No. 5, Jakarta 10220"),
        # Galicia: a town whose name begins with an article
        ("Rúa Real 14, 2.º dto., 15003 A Coruña", "Rúa Real 14, 2.º dto., 15003 A Coruña"),
        # Italian particles in a street's name
        ("Send it to Viale dei Mille 80, 20129 Milano", "Viale dei Mille 80, 20129 Milano"),
        # the same rules in capitals and in lower case
        ("ADRESA: NA PŘÍKOPĚ 12, 110 00 PRAHA 1", "NA PŘÍKOPĚ 12, 110 00 PRAHA 1"),
        (
            "giao hàng: 45 nguyễn huệ, phường bến nghé, quận 1",
            "45 nguyễn huệ, phường bến nghé, quận 1",
        ),
        (
            "OFFICE: 152 TEHERAN-RO, GANGNAM-GU, SEOUL 06236",
            "152 TEHERAN-RO, GANGNAM-GU, SEOUL 06236",
        ),
        # libpostal's unit words (Hungarian `lakás`, Finnish `asunto`), after or before a street
        (
            "Kossuth Lajos utca 12, lakás 4, 1055 Budapest",
            "Kossuth Lajos utca 12, lakás 4, 1055 Budapest",
        ),
        (
            "asunto 7, Mannerheimintie 5, 00100 Helsinki",
            "asunto 7, Mannerheimintie 5, 00100 Helsinki",
        ),
        # a PO box in any case, and in a text whose `İ` lower-cases to two characters
        ("POSTBUS 1234, 3500 GA UTRECHT", "POSTBUS 1234, 3500 GA UTRECHT"),
        (
            "İletişim: Posta Kutusu 45, 34710 Kadıköy/İstanbul",
            "Posta Kutusu 45, 34710 Kadıköy/İstanbul",
        ),
        # a libpostal PO box in another language
        ("Postbus 1234, 3500 GA Utrecht", "Postbus 1234, 3500 GA Utrecht"),
        # Iceland's three-digit postcode after a street with no type word, in any case
        ("update the address to Völvufell 156, 608 Selfoss.", "Völvufell 156, 608 Selfoss"),
        ("delivery address:\nklettstía 873\n029 bakkafjörður\n", "klettstía 873\n029 bakkafjörður"),
        ("Name: Clara\nPostcode: 700\nTown: Húsavík", "700"),
        # prose joins a street to its postcode and town with `in`
        (
            "she now lives at al. chlebowa 1155 in 28-354 brusy.",
            "al. chlebowa 1155 in 28-354 brusy",
        ),
        ("Lives at Hauptstraße 12 in 02322 Wörth.", "Hauptstraße 12 in 02322 Wörth"),
        # French abbreviations and the adjective before a type
        ("WILL VISIT 64 PROM. DE GEORGES IN LYON", "64 PROM. DE GEORGES IN LYON"),
        ("couldn't find 697 grand rue gutenberg in agde", "697 grand rue gutenberg in agde"),
        # Romania: `Str.` and `nr.`, a six-digit postcode before the town, in any case
        (
            "Return it to Str. Avram Iancu nr. 106, 400117 Alba Iulia.",
            "Str. Avram Iancu nr. 106, 400117 Alba Iulia",
        ),
        ("str. republicii nr. 197\n550150 brașov", "str. republicii nr. 197\n550150 brașov"),
        # India: the town, a dash and the PIN, then the state on its own line
        (
            "flat 128, park street\nmysuru - 570001\nkarnataka",
            "flat 128, park street\nmysuru - 570001\nkarnataka",
        ),
        # Chile's seven digits, before or after the town; Argentina's letters around the code
        (
            "Send to Av. Providencia 19, depto. 56, Rancagua, 2820000 by Friday.",
            "Av. Providencia 19, depto. 56, Rancagua, 2820000",
        ),
        (
            "Bv. Oroño 51, Piso 3, Depto. B, S2000CXJ Rosario",
            "Bv. Oroño 51, Piso 3, Depto. B, S2000CXJ Rosario",
        ),
        # a postcode with letters after `in`: an Eircode, an Argentine code
        (
            "lives at 220 bridge street in p75 h2x4 bantry.",
            "220 bridge street in p75 h2x4 bantry",
        ),
        # Japan's postal mark on the line above the block numbers
        (
            "〒150-0001\n3-21-12 jingumae, shibuya-ku, tokyo",
            "〒150-0001\n3-21-12 jingumae, shibuya-ku, tokyo",
        ),
        # Vietnam's `Số` before the number, at a sentence's end
        (
            "the repair done at Số 191 đường Hai Bà Trưng, Quận 1.",
            "Số 191 đường Hai Bà Trưng, Quận 1",
        ),
        # in running text: a town after the code's town (`Legazpi, 7670 Albay`), a region with
        # no comma after it, a town with a word in lower case that the gazetteer knows
        (
            "at 17 Osmeña Boulevard, Legazpi, 4500 Albay by Friday.",
            "17 Osmeña Boulevard, Legazpi, 4500 Albay",
        ),
        (
            "router at No. 3, Jalan Bukit Bintang, 55100 Kuala Lumpur, Malaysia keeps failing",
            "No. 3, Jalan Bukit Bintang, 55100 Kuala Lumpur, Malaysia",
        ),
        # `in` and a town the gazetteer knows after a street: a Japanese block's too
        ("She lives at Hauptstraße 5 in Berlin now.", "Hauptstraße 5 in Berlin"),
        (
            "THE TECHNICIAN WILL VISIT 3-119-12 KITAHAMA IN KŌFU BETWEEN 9 AND 12.",
            "3-119-12 KITAHAMA IN KŌFU",
        ),
        ("couldn't find 3-22-12 motomachi in kawagoe, call us", "3-22-12 motomachi in kawagoe"),
        # a town the gazetteer knows before its street
        (
            "Visit scheduled: Bantry, 159 Bridge Street, contact Ciarán.",
            "Bantry, 159 Bridge Street",
        ),
        (
            "router at Partizanska cesta 51, 8000 Novo mesto keeps failing",
            "Partizanska cesta 51, 8000 Novo mesto",
        ),
    ],
)
def test_addresses_of_other_countries(
    recognizer: GlobalAddressRecognizer, text: str, address: str
) -> None:
    assert address in found(recognizer, text)


@pytest.mark.parametrize(
    "text",
    [
        "ci vediamo alle 5 in piazza",  # `alle` is a Nordic type and Italian for "at the"
        "England 5 Germany 2 in the final",  # `land` is an Icelandic ending
        "We shipped 152 units to Seoul last week",
        "Read chapter 3. It explains the floor plan.",
        "The score was 101 Points in round 2",
        "Box 5 of 12 arrived, call me at 5 pm about the 2 bags",
        "Quận is the Vietnamese word for district",
        "Please send the revised contract to Maria and call her",  # `send`, `call`: Welsh types
        "Compared Garmin Forerunner 265 for the pilot.",
        "the 2 kamer option costs more",  # a Dutch unit word without an address
        "Mercer House\nis the name of the building",  # `hous` is a unit word; `House` is not
        "He lives at Hauptstraße in 3 weeks.",
    ],
)
def test_everyday_text_is_no_address(recognizer: GlobalAddressRecognizer, text: str) -> None:
    assert found(recognizer, text) == []


@pytest.mark.parametrize(
    ("text", "addresses"),
    [
        ("Ticket 4471, 120 Customers affected.", []),
        ("Order 5512, 250 Units shipped to the depot.", []),
        ("We shipped it to Hauptstraße 5, 120 Customers were happy.", ["Hauptstraße 5"]),
        ("Ticket 4471, 1500000 Users affected.", []),
    ],
)
def test_three_digits_before_an_english_word_count_things(text: str, addresses: list[str]) -> None:
    """No Icelandic postcode (`608 Selfoss`): it takes the English words to tell them apart."""
    recognizer = GlobalAddressRecognizer(load_place_names(), NameLists.load())
    assert found(recognizer, text) == addresses


@pytest.mark.parametrize(
    ("text", "address"),
    [
        # five to seven digits a space after the town; the parts before a street
        ("Ship to Rehov Herzl 161, Modiin 7178012 by Friday.", "Rehov Herzl 161, Modiin 7178012"),
        (
            "Ship to House 138, Street 7, Ferozepur Road, Multan 60000 by Friday.",
            "House 138, Street 7, Ferozepur Road, Multan 60000",
        ),
    ],
)
def test_addresses_read_with_the_english_word_list(text: str, address: str) -> None:
    recognizer = GlobalAddressRecognizer(load_place_names(), NameLists.load())
    assert found(recognizer, text) == [address]


@pytest.mark.parametrize(
    ("text", "address"),
    [
        # a four-digit group at a line's start that more digits follow is a phone number's
        ("Flat 5, 12 High Street, Leeds\n0113 496 0000", "Flat 5, 12 High Street, Leeds"),
        ("Hauptstraße 5, Berlin 030 1234567", "Hauptstraße 5, Berlin"),
    ],
)
def test_a_phone_number_after_an_address_is_not_its_postcode(
    recognizer: GlobalAddressRecognizer, text: str, address: str
) -> None:
    assert found(recognizer, text) == [address]
