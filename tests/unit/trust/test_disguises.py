# ruff: noqa: RUF001, RUF003  (look-alike characters are the point of these tests)
"""Disguised identifiers are read as what they are, and mapped back to exactly what was typed."""

from __future__ import annotations

import unicodedata

import pytest

from modelgw.trust.normalise import normalise


def test_an_address_block_s_numbered_lines_are_not_joined() -> None:
    """`Postfach 89829` over `61830 Valley` once read as one phone number `8982961830`."""
    original = "Ship to:\nPostfach 89829\n61830 Valley\nthanks"
    assert normalise(original).text == original


@pytest.mark.parametrize(
    ("original", "reads"),
    [
        ("mail john dot smith at example dot com now", "john.smith@example.com"),
        ("mail kpalma AT example DOT com now", "kpalma@example.com"),
        ("mail a . b @ c . com now", "a.b@c.com"),
        ("mail tbelpere @ hotmail . com. ok", "tbelpere@hotmail.com"),
        ("iban D E 8 9 3 7 0 4 0 0 4 4 0 5 3 2 0 1 3 0 0 0 ok", "DE89370400440532013000"),
        ("card 4 1 1 1 - 1 1 1 1 - 1 1 1 1 - 1 1 1 1 ok", "4111-1111-1111-1111"),
        ("ssn eight eight four, two five, zero seven one seven ok", "884-25-0717"),
        ("card З71815592995379 ok", "371815592995379"),
        ("ip 2Ο4.зо.55.27 ok", "204.30.55.27"),
        ("ip ٢٠٤.٣٠.٥٥.٢٧ ok", "204.30.55.27"),
        ("mail khammond@coo\nke.org today", "khammond@cooke.org"),
        ("ssn 678-\n37-9543 on file", "678-37-9543"),
        ("iban PL89 9106 6237 5307 9280 1444\n3967 ok", "PL89 9106 6237 5307 9280 14443967"),
        ("name: L e o c a d i a  N o w a k; ok", "Leocadia Nowak"),
        (
            "phone plus four four seven seven zero zero, nine zero zero one two three ok",
            "+447700-900123",
        ),
        ("ip two-one-four dot seven-four dot two-three-one dot two-seven ok", "214.74.231.27"),
        ("card FIVE-THREE-SIX-TWO-NINE-DOUBLE THREE-FIVE-TWO-ONE ok", "5362933521"),
        (
            "card three-five-two-eight - four-one-five-six - double one-four-nine ok",
            "3528-4156-1149",
        ),
        ("phone plus-double four triple seven oh one two three ok", "+447770123"),
        ("Phone: +\n5016221234 ok", "+ 5016221234"),
        ("reach me at +680 277 1234\n;ext=870 ok", "+680 277 1234 ;ext=870"),
        ("phone +680 277 1234;ext=\n870 ok", "+680 277 1234;ext= 870"),
        # an e-mail cut where the next line alone reads as one; a card, an IPv4-mapped IPv6
        ("write to p\nb1977@empresa.com.br ok", "pb1977@empresa.com.br"),
        ("write to pb19\n77@empresa.com.br ok", "pb1977@empresa.com.br"),
        ("reach me at lieselo\ntte@example.com ok", "lieselotte@example.com"),
        ("card 566\n0 5555 3122 9261 ok", "5660 5555 3122 9261"),
        ("card 6306937527922\n398917 ok", "6306937527922398917"),
        ("ip ::ffff\n:210.128.222.102 ok", "::ffff:210.128.222.102"),
        # Latin look-alikes between groups joined by any dash or space, or alone in a group
        ("card 62l9⹀3521⹀92I6⹀947l ok", "6219-3521-9216-9471"),
        ("ssn 1I3︱03︱98o0 ok", "113-03-9800"),
        ("card 5.0.1.0.5.9.0.8.8.2.I.6.4.6.4.O ok", "5010590882164640"),
        ("card 3653 4914 2229 lo; ok", "3653 4914 2229 10"),
        # a break inside a phone's extension, and a cued local number cut in two
        ("phone +680 277 1234;ext=8\n70 ok", "+680 277 1234;ext=870"),
        ("phone +680 277 1234;e\nxt=870 ok", "+680 277 1234;ext=870"),
        ("please call 741-\n2345 ok", "741- 2345"),
    ],
)
def test_disguises_are_undone_and_map_back(original: str, reads: str) -> None:
    norm = normalise(original)
    start = norm.text.index(reads)
    a, b = norm.to_original(start, start + len(reads))
    assert norm.text[start : start + len(reads)] == reads
    assert original[a:b].strip() == original[a:b]
    assert a >= original.index(" ") + 1 and b <= original.rindex(" ")


@pytest.mark.parametrize(
    "text",
    [
        "look at example.com and meet at 5.",
        "Main St 5\n12345 Berlin",
        "555-123-4567\n555-987-6543",
        "call +44 20 7946 0958\nx-ray results attached",
        "total =\n42 items",
        "to x@example.com\nSubject: hello",
        "ticket 55512 I think",  # a look-alike before a word is the word it looks like
        "Valley\njane@example.com",  # a word of its own before an address on its own
        "thanks\nsupport@example.com",
        "office 02030 99 3020\nfolake.ibekwe@example.com",  # a number's end, no local part
        "Email:\njane@example.com",
        "one two three",
        "one, two, three or four more",
        "double one and triple two",
        "a b c d e f g h i j",
    ],
)
def test_ordinary_text_is_left_as_it_is(text: str) -> None:
    assert normalise(text).text == text


def test_cyrillic_letters_in_an_email_stay_letters() -> None:
    assert normalise("to еmily51@exаmple.cоm").text == "to emily51@example.com"


def test_combining_accents_are_read_as_one_letter() -> None:
    decomposed = unicodedata.normalize("NFD", "José Gonçalves")
    norm = normalise(decomposed)
    assert norm.text == "José Gonçalves"
    assert norm.to_original(5, 14) == (6, len(decomposed))


@pytest.mark.parametrize(
    "text",
    [
        "Доставка: ул. Тверская, д. 7, кв. 12, Москва 125009",
        "Адрес: проспект Мира, 15, Санкт-Петербург",
        "Διεύθυνση: Οδός Ερμού 12, Αθήνα 105 57",
    ],
)
def test_words_of_another_script_keep_their_letters(text: str) -> None:
    """Cyrillic and Greek words are not Latin words in disguise, however their letters look."""
    assert normalise(text).text == text


@pytest.mark.parametrize(
    ("original", "reads"),
    [
        ("серия 4О17 номер 123456", "серия 4017 номер 123456"),  # Cyrillic О among digits
        ("pay via Ρaypal today", "pay via Paypal today"),  # Greek Ρ in a Latin word
        ("ул. Тверская, д. 7; card 4О17 0000 1111 2222", "ул. Тверская, д. 7; card 4017 0000"),
        # a look-alike no Latin letter is drawn like, in a code of letters and digits: a digit;
        # the Greek Ο beside it is read as the Latin O (the IBAN's checksum says it was a 0)
        ("Bank details: LU07з692FR8ΟYI6X5NHN", "Bank details: LU073692FR8OYI6X5NHN"),
        ("AL25 7425 4542 CUFJ OQSX B4FL YЗ1W", "AL25 7425 4542 CUFJ OQSX B4FL Y31W"),
    ],
)
def test_look_alikes_inside_latin_or_digit_words_are_still_read(original: str, reads: str) -> None:
    norm = normalise(original)
    assert norm.text.startswith(reads)
    assert len(norm.text) == len(original)
    assert norm.to_original(0, len(norm.text)) == (0, len(original))


def test_a_look_alike_maps_back_to_the_letter_typed() -> None:
    original = "ул. Тверская 7, Ρaypal"
    norm = normalise(original)
    at = norm.text.index("Paypal")
    assert norm.to_original(at, at + 1) == (original.index("Ρ"), original.index("Ρ") + 1)
    assert norm.text[: original.index(",")] == original[: original.index(",")]


def test_a_lower_cased_dotted_capital_i_is_one_letter() -> None:
    """`İsmail` lower-cased is `i̇smail` (`i` and a combining dot): the word is `ismail`."""
    original = "cc: i̇smail erdoğdu"
    norm = normalise(original)
    assert norm.text == "cc: ismail erdoğdu"
    at = norm.text.index("ismail")
    assert norm.to_original(at, at + len("ismail")) == (4, 4 + len("i̇smail"))
