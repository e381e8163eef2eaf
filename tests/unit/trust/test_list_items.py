# ruff: noqa: RUF001  (Turkish and Polish letters in the examples)
"""The items of a list mostly of found names or places are read as such (`list_items`)."""

from __future__ import annotations

from modelgw.trust.list_items import Found, spread


def _found(text: str, *values: tuple[str, str]) -> list[Found]:
    out: list[Found] = []
    for kind, value in values:
        start = text.index(value)
        out.append(Found(kind, start, start + len(value)))
    return out


def _spread(text: str, *values: tuple[str, str]) -> list[tuple[str, str]]:
    return [(f.entity_type, text[f.start : f.end]) for f in spread(text, _found(text, *values))]


def test_an_item_no_list_holds_takes_the_kind_of_the_found_ones() -> None:
    text = "Confirmed for Thursday: Güneş, Nair, Núñez Vázquez and Rowntree. Güneş declined."
    found = [("PERSON", "Güneş"), ("PERSON", "Nair"), ("PERSON", "Núñez Vázquez")]
    assert _spread(text, *found) == [("PERSON", "Rowntree")]


def test_the_first_and_last_items_lose_the_sentence_around_them() -> None:
    text = "The shortlist is Yıldırım, Kowalczyk, Subramanian and Górecka asked to join."
    found = [("PERSON", "Kowalczyk"), ("PERSON", "Subramanian")]
    assert _spread(text, *found) == [("PERSON", "Yıldırım"), ("PERSON", "Górecka")]


def test_lower_case_and_capitals_spread_to_words_written_alike() -> None:
    lower = "please add öztürk, fernández vázquez, fitzgerald and olawale; thanks"
    found = [("PERSON", "öztürk"), ("PERSON", "fernández vázquez")]
    assert _spread(lower, *found) == [("PERSON", "fitzgerald"), ("PERSON", "olawale")]
    caps = "CONFIRMED: RINALDI, KRÜGER, Figueiredo AND HENDRICKS."
    found = [("PERSON", "RINALDI"), ("PERSON", "KRÜGER")]
    assert _spread(caps, *found) == [("PERSON", "HENDRICKS")]  # `Figueiredo` is not written so


def test_places_spread_like_names() -> None:
    text = "Offices: London, Spa and Madrid."
    assert _spread(text, ("LOCATION", "London"), ("LOCATION", "Madrid")) == [("LOCATION", "Spa")]


def test_ordinary_words_stop_words_and_other_detections_are_not_taken() -> None:
    text = "Invited: Anna, Kwame, the invoice, Paris and Nnamdi."
    found = [("PERSON", "Anna"), ("PERSON", "Kwame"), ("LOCATION", "Paris"), ("PERSON", "Nnamdi")]
    assert _spread(text, *found) == []


def test_a_list_with_fewer_found_items_than_others_spreads_nothing() -> None:
    text = "Tools: Jira, Trello, Bitbucket, Anna and Kwame."
    assert _spread(text, ("PERSON", "Anna"), ("PERSON", "Kwame")) == []


def test_a_span_across_two_items_is_no_found_item() -> None:
    text = "KARAOKE: SWEET CAROLINE, WATERLOO, MRS ROBINSON, ELEANOR RIGBY."
    assert _spread(text, ("PERSON", "ROBINSON, ELEANOR")) == []
    one = "Menu: Margherita, Quattro Formaggi, Calzone and Tiramisu."
    assert _spread(one, ("PERSON", "Margherita")) == []  # one found item is no list of names


def test_items_on_other_lines_are_another_list() -> None:
    text = "Anna, Kwame\nand Tolkien, Asimov, Herbert"
    assert _spread(text, ("PERSON", "Anna"), ("PERSON", "Kwame")) == []


def test_a_word_for_people_makes_a_list_of_names_without_any_found() -> None:
    text = "Attendees from the vendor side: Cavalcanti, Loreal and Hancock. Thanks."
    assert _spread(text) == [("PERSON", "Cavalcanti"), ("PERSON", "Loreal"), ("PERSON", "Hancock")]
    lower = "the shortlist is klemt, de keijzer and kobelt; see you"
    assert _spread(lower) == [("PERSON", "klemt"), ("PERSON", "de keijzer"), ("PERSON", "kobelt")]


def test_a_cued_list_with_an_item_that_is_no_name_is_left() -> None:
    assert _spread("Attendees: Product, Design and Engineering.") == []
    assert _spread("Participants: Anna, the whole sales team and Kwame.") == []


def test_an_ampersand_joins_the_last_item() -> None:
    text = "Panel: Güneş, Nair & Rowntree."
    found = [("PERSON", "Güneş"), ("PERSON", "Nair")]
    assert _spread(text, *found) == [("PERSON", "Rowntree")]
