"""Names in lower case and ALL CAPS, found by the census name lists."""

from __future__ import annotations

import pytest

from modelgw.trust.name_lists import NameLists
from modelgw.trust.recognizers.names_by_case import NamesByCaseRecognizer


@pytest.fixture(scope="module")
def recognizer() -> NamesByCaseRecognizer:
    return NamesByCaseRecognizer(NameLists.load())


def found(recognizer: NamesByCaseRecognizer, text: str) -> list[str]:
    return [text[s:e] for s, e in recognizer.find(text)]


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("spoke with john smith yesterday", "john smith"),
        ("URGENT: MARIA GARCIA CALLED", "MARIA GARCIA"),
        # Surnames that are also words count after a first name.
        ("spoke with jennifer young about the refund", "jennifer young"),
        ("KEVIN WHITE CALLED TWICE", "KEVIN WHITE"),
        ("ask steven brown for the invoice", "steven brown"),
    ],
)
def test_first_and_last_name_in_any_case(
    recognizer: NamesByCaseRecognizer, text: str, name: str
) -> None:
    assert found(recognizer, text) == [name]


@pytest.mark.parametrize(
    "text",
    [
        "the white paper is ready",
        "we will mark it as done",
        "young customers prefer the app",
        "a price list for the king size beds",
    ],
)
def test_words_without_a_first_name_are_not_names(
    recognizer: NamesByCaseRecognizer, text: str
) -> None:
    assert found(recognizer, text) == []


def test_surname_words_never_start_a_name() -> None:
    names = NameLists.load()
    assert "young" in names.last
    assert "young" not in names.first
    assert "will" not in names.last  # a modal verb after a first name: `anna will call`


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("spoke with dorit heintze yesterday", ["dorit heintze"]),
        ("URGENT: URSZULA WITAS CALLED", ["URSZULA WITAS"]),
        ("contact Girolamo Soranzo today", ["Girolamo Soranzo"]),
        ("ask maria luiza macedo", ["maria luiza macedo"]),
        ("from Mare van der Horst", ["Mare van der Horst"]),
        ("with Horst-Dieter Fischer", ["Horst-Dieter Fischer"]),
        ("cc Łukasz Wiśniewski and José Gonçalves", ["Łukasz Wiśniewski", "José Gonçalves"]),
        ("Attendees: Kowalski, Nowak, Linke and Bates.", ["Kowalski", "Nowak", "Linke", "Bates"]),
        # Irish particles inside the name; names frequent in English text because they are names
        ("Escalated: Aoife Mac Carthaigh from our Athlone office", ["Aoife Mac Carthaigh"]),
        ("i met arjun reddy and rahul sharma", ["arjun reddy", "rahul sharma"]),
        # family name first, as Japan, China, Korea, Vietnam and Hungary write it
        ("the pallet is for suzuki haruto", ["suzuki haruto"]),
        ("contact Kobayashi Haruto.", ["Kobayashi Haruto"]),
        ("NOTE FROM NAKAMURA YŪKO", ["NAKAMURA YŪKO"]),
        ("thanks to Đặng Quốc Bảo.", ["Đặng Quốc Bảo"]),  # and a second given name
        ("the pallet is for suzuki haruto will arrive", ["suzuki haruto"]),  # `will`: a word
    ],
)
def test_names_of_many_countries(
    recognizer: NamesByCaseRecognizer, text: str, names: list[str]
) -> None:
    assert found(recognizer, text) == names


@pytest.mark.parametrize(
    ("text", "word"),
    [
        ("anna said the invoice is late", "said"),  # `anna` alone, before a person's verb
        ("pay to IBAN GB95 OHZN 3762 3865 8030 53", "OHZN"),
        ("We met West of the river.", "West"),
    ],
)
def test_a_given_name_before_an_ordinary_word_is_no_name(
    recognizer: NamesByCaseRecognizer, text: str, word: str
) -> None:
    assert not [name for name in found(recognizer, text) if word in name]


@pytest.mark.parametrize(
    ("text", "start", "end", "plausible"),
    [
        ("Sent: Monday", 0, 4, False),
        ("Bill to: Acme", 0, 4, False),
        ("we read 'Moby Dick' twice", 9, 18, False),
        ("Lecomte SARL confirmed", 0, 7, False),
        ("MEETING MOVED TO FRIDAY", 0, 13, False),
        ("Best regards,\nAccountant | Acme", 14, 24, False),
        ("Call Sigríður Jónsdóttir today", 5, 24, True),
        ("Dr. Kowalski called", 4, 12, True),
    ],
)
def test_the_ner_model_s_persons_are_reviewed(
    text: str, start: int, end: int, plausible: bool
) -> None:
    from modelgw.trust.ner_review import plausible_person

    assert plausible_person(text, start, end, NameLists.load()) is plausible


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("and sign as John Smith.", "John Smith"),
        ("I am maria garcia. Then", "maria garcia"),
    ],
)
def test_a_sentences_full_stop_is_not_part_of_the_name(
    recognizer: NamesByCaseRecognizer, text: str, name: str
) -> None:
    """The full stop once went into the vault with the name, so `John Smith.` and
    `John Smith` in one request got two placeholders."""
    assert found(recognizer, text) == [name]


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Assigned to Onveer Reddy (Tier 2).", "Onveer Reddy"),
        ("Handover: Nurbanu Bilgin takes over the account.", "Nurbanu Bilgin"),
    ],
)
def test_an_unlisted_given_name_before_a_listed_surname(
    recognizer: NamesByCaseRecognizer, text: str, name: str
) -> None:
    assert found(recognizer, text) == [name]


@pytest.mark.parametrize(
    "text",
    [
        "The Quarterly Reddy report",  # an English word before the surname
        "onveer reddy called",  # lower case: any unknown word may stand before a surname
        "ONVEER REDDY CALLED",
        "Onveer Kwxyz called",  # no listed surname after it
    ],
)
def test_an_unlisted_word_before_a_surname_needs_title_case_and_no_english_word(
    recognizer: NamesByCaseRecognizer, text: str
) -> None:
    assert not any(
        "Onveer" in f or "Quarterly" in f or "onveer" in f.lower() for f in found(recognizer, text)
    )


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Remind Akinola that Blackwood still owes the deposit.", "Blackwood"),
        ("De Luca declined, and Domínguez asked to join remotely.", "Domínguez"),
        ("YILMAZ DECLINED, AND THIBODEAUX ASKED TO JOIN", "THIBODEAUX"),
        ("remind ağaoğlu that sobczak still owes the deposit.", "sobczak"),
        ("anna said the invoice is late", "anna"),
    ],
)
def test_a_lone_listed_name_before_a_persons_verb(
    recognizer: NamesByCaseRecognizer, text: str, name: str
) -> None:
    assert name in found(recognizer, text)


@pytest.mark.parametrize(
    ("text", "word"),
    [
        ("The hunter asked for a licence.", "hunter"),  # an English word
        ("Paris confirmed nothing yet", "Paris"),  # not asked of a lone word: a place as often
        ("Blackwood Road still owes nothing", "Blackwood"),  # no verb right after it
    ],
)
def test_no_lone_word_before_a_verb_unless_listed_and_no_english_word(
    recognizer: NamesByCaseRecognizer, text: str, word: str
) -> None:
    assert word not in found(recognizer, text)


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("ON 3 MAY KWAMBOKA GITAU WROTE: THE INVOICE IS WRONG.", "KWAMBOKA GITAU"),
        ("SIGNED, TAIMUR MAHBEER, HEAD OF OPERATIONS", "TAIMUR MAHBEER"),
        ("Assigned to Faraja Msuya (Tier 2).", "Faraja Msuya"),
    ],
)
def test_unknown_words_where_a_person_stands_are_a_name(
    recognizer: NamesByCaseRecognizer, text: str, name: str
) -> None:
    assert name in found(recognizer, text)


@pytest.mark.parametrize(
    ("text", "word"),
    [
        ("Zorbix Quantel shipped the parts.", "Quantel"),  # no person's word or verb by it
        ("ON 3 MAY THE INVOICE WROTE ITSELF", "INVOICE"),  # ordinary words
        ("remind zorbix quantel wrote", "quantel"),  # lower case: as often a product or a handle
        ("Assigned to Zorbix Quantel Ltd.", "Quantel"),  # a firm (its legal form)
    ],
)
def test_unknown_words_elsewhere_are_no_name(
    recognizer: NamesByCaseRecognizer, text: str, word: str
) -> None:
    assert not [name for name in found(recognizer, text) if word in name]
