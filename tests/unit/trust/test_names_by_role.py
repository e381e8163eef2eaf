"""Person names told by an honorific, an office verb with `by`, a role, or a possessive."""

from __future__ import annotations

import pytest

from modelgw.trust.name_lists import NameLists
from modelgw.trust.recognizers.names_by_role import NamesByRoleRecognizer


@pytest.fixture(scope="module")
def recognizer() -> NamesByRoleRecognizer:
    return NamesByRoleRecognizer(NameLists.load())


def found(recognizer: NamesByRoleRecognizer, text: str) -> list[str]:
    return sorted({text[s:e] for s, e in recognizer.find(text)})


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("Dear Mr. Cook, your order has shipped.", ["Cook"]),  # an English word, a surname
        ("Approved by Piran Özdemir.", ["Piran Özdemir"]),
        ("Customer Annedore Patberg called about invoice 4471.", ["Annedore Patberg"]),
        ("i'll pass it on to mangold's manager.", ["mangold"]),
        ("SPOKE WITH FRAU FÖRSTER TODAY", ["FÖRSTER"]),
        ("the ticket was opened by cangür sezer yesterday.", ["cangür sezer"]),
        ("thanks aroha! i'll pass it on to smith's manager.", ["aroha", "smith"]),
        ("Thanks Bob! See you Monday.", ["Bob"]),  # a given name that is a word too
        ("Meeting with Faith Abiola moved to Friday.", ["Faith Abiola"]),
        ("Bello Isah reported the outage at 09:40.", ["Bello Isah"]),
        ("Dear Mr. Jug, your order has shipped.", ["Jug"]),  # any capitalised word after Mr.
        ("Approved by Mairead Ó Corraidhin.", ["Mairead Ó Corraidhin"]),  # a surname's particle
        ("best regards,\nabeni olujimi\ncustomer success", ["abeni olujimi"]),  # signed
        # a chat's speaker after the time, whatever the name's words; the parties' own names
        # for themselves are none
        ("[19:45] Hamish (agent): Hi there\n[19:46] Customer: hello", ["Hamish"]),
        ("[11:10] rahul (agent): hi\n[11:11] bot: welcome", ["rahul"]),
        ("[19:46] Customer: Fergus Cartwright here, I called yesterday", ["Fergus Cartwright"]),
    ],
)
def test_a_name_after_a_word_that_leads_to_a_person(
    recognizer: NamesByRoleRecognizer, text: str, names: list[str]
) -> None:
    assert found(recognizer, text) == names


@pytest.mark.parametrize(
    "text",
    [
        "We ordered by email and it was approved by Finance.",
        "Customer Service will call you.",
        "The company's manager agreed.",
        "Applicant SSN is 276-68-6717 per the form.",  # an acronym in a text with capitals
        "The build was created by Jenkins.",
        "approved by the board yesterday",
        "Hi team, thanks all! Hello there, thanks again! cheers mate!",
        "The bank's account was closed.",  # a listed surname, an English word, no person's
        "Sales Team reported the outage. Acme Corp called twice.",
        "We had a call with Finance and a meeting with the board.",
        "Best regards,\nCustomer Success Team",
        "Thanks,\nThe Team",
        "the courier couldn't find the house",  # a contraction is no name
    ],
)
def test_no_name_where_the_words_are_no_name(recognizer: NamesByRoleRecognizer, text: str) -> None:
    assert found(recognizer, text) == []


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("NOTE: OKONKWO PREFERS E-MAIL OVER PHONE.", ["OKONKWO"]),
        ("Note: Szczepanski prefers a call back.", ["Szczepanski"]),
        ("thanks. siobhan asked for a refund", ["siobhan"]),
        ("CAN YOU ASK TENGKU WHETHER THE PART ARRIVED?", ["TENGKU"]),
        ("please remind Ingeborg about the invoice", ["Ingeborg"]),
    ],
)
def test_one_word_where_only_a_person_stands(
    recognizer: NamesByRoleRecognizer, text: str, names: list[str]
) -> None:
    assert found(recognizer, text) == names


@pytest.mark.parametrize(
    "text",
    [
        "NOTE: SALES PREFERS E-MAIL OVER PHONE.",  # a team, no person
        "Management wants the report by Friday.",
        "Kramer-Hines confirmed the order.",  # a firm named after its partners as often
        "can you ask everyone whether it works?",
        "Please ask support about the refund.",
    ],
)
def test_teams_and_firms_before_a_personal_verb_are_no_names(
    recognizer: NamesByRoleRecognizer, text: str
) -> None:
    assert found(recognizer, text) == []


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("sarah from accounts says the payment bounced.", ["sarah"]),
        ("PLEASE LOOP IN EBUKA AND OKORO FROM LEGAL.", ["EBUKA", "OKORO"]),
        ("hi all, indrek here - i'll cover the queue today.", ["indrek"]),
        ("Thanks, Benson\n\nSent from my phone", ["Benson"]),
        ("the driver, volkhard gotthard, left the parcel.", ["volkhard gotthard"]),
        ("Spoke to Eutimio Roda on the phone.", ["Eutimio Roda"]),
        ("NOTE: Ó FLANNABHRA PREFERS E-MAIL OVER PHONE.", ["Ó FLANNABHRA"]),
        ("Note: de Bruyne prefers e-mail.", ["de Bruyne"]),
    ],
)
def test_names_in_tickets_and_chats(
    recognizer: NamesByRoleRecognizer, text: str, names: list[str]
) -> None:
    assert found(recognizer, text) == names


@pytest.mark.parametrize(
    "text",
    [
        "The invoice from accounts is late; a request from legal came in.",
        "Thanks, everyone!",
        "We spoke to legal on Monday.",
        "The customer, however, left.",
    ],
)
def test_departments_and_asides_are_no_names(recognizer: NamesByRoleRecognizer, text: str) -> None:
    assert found(recognizer, text) == []
