"""Values a label names (forms, JSON, headers) are found whatever their shape."""

from __future__ import annotations

import pytest

from modelgw.trust.name_lists import NameLists
from modelgw.trust.recognizers.labelled_fields import LabelledFieldsRecognizer


@pytest.fixture(scope="module")
def recognizer() -> LabelledFieldsRecognizer:
    return LabelledFieldsRecognizer(NameLists.load())


def fields(recognizer: LabelledFieldsRecognizer, text: str) -> list[tuple[str, str]]:
    return [(kind, text[s:e]) for kind, s, e in recognizer.fields(text)]


def test_a_form_s_fields(recognizer: LabelledFieldsRecognizer) -> None:
    text = (
        "Surname: Nakashima\nGiven name: Ren\nStreet: Im Winkel 7\n"
        "Postcode / city: 12345 Musterstadt\nPhone: 0301 234567\nCity: Tarnowskie Góry\n"
    )
    assert fields(recognizer, text) == [
        ("PERSON", "Nakashima"),
        ("PERSON", "Ren"),
        ("ADDRESS", "Im Winkel 7"),
        ("ADDRESS", "12345 Musterstadt"),
        ("LOCATION", "Tarnowskie Góry"),
    ]


def test_json_fields_in_any_key_style(recognizer: LabelledFieldsRecognizer) -> None:
    text = (
        '{"firstName": "Ren", "last_name": "Oduya", "address": '
        '{"line1": "Flat 2, Rose Court", "line2": "Carlisle CA1 1AA"}}'
    )
    assert fields(recognizer, text) == [
        ("PERSON", "Ren"),
        ("PERSON", "Oduya"),
        ("ADDRESS", "Flat 2, Rose Court"),
        ("ADDRESS", "Carlisle CA1 1AA"),
    ]


def test_a_place_field_among_others_on_one_line(recognizer: LabelledFieldsRecognizer) -> None:
    assert fields(recognizer, "contact: Jon Bak; site: Aalestrup; notes: prefers e-mail.") == [
        ("PERSON", "Jon Bak"),
        ("LOCATION", "Aalestrup"),
    ]


def test_a_header_name_before_its_mail(recognizer: LabelledFieldsRecognizer) -> None:
    assert fields(recognizer, "From: Ines Duarte <ines@example.pt>\nSubject: x") == [
        ("PERSON", "Ines Duarte")
    ]
    # a text with no capitals, and a department after the name
    assert fields(recognizer, "from: wahban ayyubi\nsubject: delivery delay") == [
        ("PERSON", "wahban ayyubi")
    ]
    assert fields(recognizer, "cc: Nakul Gala, Finance") == [("PERSON", "Nakul Gala")]


@pytest.mark.parametrize(
    "text",
    [
        "Name: quarterly report\nStatus: open",
        "To: all staff",
        "Owner: marketing team",
        "Contact: support desk, ext 4",
        "Customer: Ferreira Irmãos Ltda",
        "Time: 10:30 today",
        "Address: n/a",
        "To: Support Team\nFrom: Billing",
        "from: acme support\nto: sales",
    ],
)
def test_labels_that_often_hold_other_things_want_a_name(
    recognizer: LabelledFieldsRecognizer, text: str
) -> None:
    assert fields(recognizer, text) == []


def test_the_detector_masks_a_lone_surname_on_a_form() -> None:
    from modelgw.common.config.trust import TrustConfig
    from modelgw.trust.detector import Detector

    text = "Claim form\nLast name: Oduya\nStreet: Im Winkel 7\n"
    found = Detector(TrustConfig()).analyze_many([text])[0]
    assert {(d.entity_type, text[d.start : d.end]) for d in found} >= {
        ("PERSON", "Oduya"),
        ("ADDRESS", "Im Winkel 7"),
    }


def test_table_cells_under_a_header_that_names_them(
    recognizer: LabelledFieldsRecognizer,
) -> None:
    text = (
        "Export:\nid;full_name;mobile;city\n"
        "17;ana lima;+351 912 345 678;Porto\n"
        "18;Tomasz Wrona;+48 600 100 200;Wadowice\n"
        "\nThe end, with, commas, here\n"
    )
    assert [(kind, text[s:e]) for kind, s, e in recognizer.tables(text)] == [
        ("PERSON", "ana lima"),
        ("LOCATION", "Porto"),
        ("PERSON", "Tomasz Wrona"),
        ("LOCATION", "Wadowice"),
    ]


def test_a_header_of_unknown_columns_is_no_table(recognizer: LabelledFieldsRecognizer) -> None:
    text = "sku,qty,price\nA-1,2,9.99\n"
    assert recognizer.tables(text) == []


def test_a_state_column_is_no_place(recognizer: LabelledFieldsRecognizer) -> None:
    """A state's code (`NY`, `TX`) names no one: only the town column is masked."""
    text = "name,town,state\nJo Kim,Ithaca,NY\n"
    assert [(k, text[s:e]) for k, s, e in recognizer.tables(text)] == [
        ("PERSON", "Jo Kim"),
        ("LOCATION", "Ithaca"),
    ]


def test_an_ssn_column_masks_its_numbers_with_or_without_separators(
    recognizer: LabelledFieldsRecognizer,
) -> None:
    text = (
        "employee;ssn;date_of_birth;state\n"
        "Kaitlyn Delgado;132748564;21/03/1970;NY\n"
        "Wyatt O'Donnell;481-51-4869;1960-05-23;CA\n"
        "Nobody Real;000123456;1960-05-23;CA\n"  # no number of the SSA's
    )
    ssns = [text[s:e] for k, s, e in recognizer.tables(text) if k == "US_SSN"]
    assert ssns == ["132748564", "481-51-4869"]


def test_a_name_field_may_go_on_with_a_phone_number(recognizer: LabelledFieldsRecognizer) -> None:
    text = "emergency contact: shimizu yōko (spouse), +819012338972\nnotes: none"
    assert [text[s:e] for s, e in recognizer.find(text)] == ["shimizu yōko"]


@pytest.mark.parametrize(
    ("text", "address"),
    [
        # the envelope's lines under the label, whatever the country's format
        (
            "Bill to: Flat 143, Anna Salai\nNashik - 422001\nMaharashtra\nAttn: Deepika Menon",
            "Flat 143, Anna Salai\nNashik - 422001\nMaharashtra",
        ),
        (
            "Delivery address:\nJr. de la Unión 45\nChiclayo 14001\nTel. 074 123 456",
            "Jr. de la Unión 45\nChiclayo 14001",
        ),
        # prose under the label is no line of the address; an empty line ends it
        (
            "Ship to: 12 Long Street\nleave it with the neighbour if nobody answers",
            "12 Long Street",
        ),
        ("Address on file: 9 Quay Road\n\nSligo is lovely", "9 Quay Road"),
    ],
)
def test_an_address_label_takes_the_lines_under_it(
    recognizer: LabelledFieldsRecognizer, text: str, address: str
) -> None:
    assert [text[s:e] for kind, s, e in recognizer.fields(text) if kind == "ADDRESS"] == [address]


@pytest.mark.parametrize(
    "text",
    [
        "Address:\nPlease use the one on file.",
        # under a party's label with nothing after it, a name and a firm come first
        "Bill to:\nAna Costa\nMontenegro Ltda\nSetor Câmara, 86",
    ],
)
def test_an_address_label_takes_no_lines_that_may_be_no_address(
    recognizer: LabelledFieldsRecognizer, text: str
) -> None:
    assert [kind for kind, _, _ in recognizer.fields(text)] == []


@pytest.mark.parametrize(
    ("text", "name"),
    [
        # directory order under a label for a kind of contact
        ("Escalation contact: Lynchehaun, Tiarnan", "Lynchehaun, Tiarnan"),
        ("Account manager: Dvojak, Maja\nPlan: Pro", "Dvojak, Maja"),
    ],
)
def test_a_surname_and_a_given_name_after_a_contact_label(
    recognizer: LabelledFieldsRecognizer, text: str, name: str
) -> None:
    assert [text[s:e] for kind, s, e in recognizer.fields(text) if kind == "PERSON"] == [name]


def test_a_team_and_a_town_are_no_surname_and_given_name(
    recognizer: LabelledFieldsRecognizer,
) -> None:
    assert recognizer.fields("Escalation contact: Sales, London") == []
