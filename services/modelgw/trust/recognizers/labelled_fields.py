# ruff: noqa: SIM905  (word lists read best as words)
"""Values that a label names: form lines, JSON fields, CRM exports, e-mail headers.

`Last name: Brückner`, `"line1": "3391A Victoria Mews"`, `Street: Am Mühlbach
28`, `City / postcode: 79018 Freiburg im Breisgau`: the label says what the
value is, whatever its shape, so a surname alone, a street with no street
word or an address of a country the address patterns do not know is still
found. A label that names a person for sure (`first name`, `cardholder`)
takes any name-shaped value; one that often holds other things (`name`,
`contact`, `from`, `to`) only a value a name list knows or one in Title Case
with no ordinary word in it. Address labels take the value up to the end
of the line or the closing quote.
"""

from __future__ import annotations

import re

from presidio_analyzer import RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

from modelgw.trust.name_lists import NameLists, fold_accents
from modelgw.trust.ner_review import in_firm_name
from modelgw.trust.recognizers.base import RegexRecognizer
from modelgw.trust.recognizers.names_by_role import DEPARTMENTS
from modelgw.trust.recognizers.ssn import issuable
from modelgw.trust.stop_words import english_stop_words

_SURE_PERSON = frozenset(
    w.strip()
    for w in """
    full name|first name|first names|last name|surname|given name|given names|family name
    |forename|forenames|middle name|maiden name|cardholder|card holder|cardholder name
    |account holder|account holder name|account name|holder name|name on card|beneficiary name
    |patient name|customer name|client name|contact name|contact person|employee name
    |applicant|applicant name|policyholder|policy holder|insured|insured name|emergency contact
    |next of kin|guardian|passenger|passenger name|guest name|traveller|traveler|tenant
    |signatory|signed by|requester|requested by|reported by|assignee|recipient name|attn
    |attention|nombre|apellido|apellidos|nombre completo|prénom|nom de famille|vorname
    |nachname|familienname|nome|cognome|nome completo|sobrenome|imię|nazwisko|ad soyad|soyad
    |voornaam|achternaam|fornavn|efternavn|efternamn|förnamn
    """.replace("\n", "").split("|")
    if w.strip()
)
_MAYBE_PERSON = frozenset(
    "name|contact|customer|client|patient|employee|recipient|beneficiary|owner|driver|guest"
    "|sender|from|to|cc|requestor|user|agent|nom|holder".split("|")
)
_PERSON_ROLES = (" contact", " owner", " manager", " holder", " agent", " requester", " approver")
"""The last words of a label for a kind of person (`escalation contact`, `account owner`)."""
_ADDRESS = frozenset(
    w.strip()
    for w in """
    address|addr|street|street address|address line 1|address line 2|address line|address 1
    |address 2|address1|address2|line1|line2|line 1|line 2|street1|street2|city / postcode
    |postcode / city|city/postcode|postcode/city|zip / city|city / zip|postcode|post code
    |postal code|zip|zip code|zipcode|billing address|shipping address|delivery address|home address
    |mailing address|postal address|registered address|beneficiary address|correspondence address
    |residence|residential address|permanent address|ship to address|bill to address
    |dirección|direccion|domicilio|adresse|anschrift|straße|strasse|indirizzo|endereço
    |endereco|adres|adresi|ulica|teslimat adresi|fatura adresi|código postal|codigo postal
    |cep|plz|cap|code postal|bill to|ship to|sold to|deliver to|send to|mail to|remit to
    |address on file|address on record|new address|current address|previous address|old address
    |invoice address|site address|office address|work address|property address|service address
    |installation address|pickup address|return address|forwarding address|invoice to
    """.replace("\n", "").split("|")
    if w.strip()
)
_PARTY = frozenset(
    "bill to|ship to|sold to|deliver to|send to|mail to|remit to|invoice to".split("|")
)
"""Address labels that name a party: on the lines under one with nothing after it, a name and
a firm come first (`Bill to:` / `Ana Costa` / `Montenegro Ltda` / `Setor Câmara, 86`), so only
a value on the label's own line is read as the start of an address."""
_PLACE = frozenset(
    "city|town|village|county|district|place of birth|birthplace|site|location|branch|region".split(
        "|"
    )
)
_SSN = frozenset(
    ["ssn", "us ssn", "social security", "social security number", "social security no"]
)
_SSN_VALUE = re.compile(r"\d{3}([- ]?)\d{2}\1\d{4}")
"""A US social security number as a column writes it, with or without its separators (the
column's name says what it is; outside a table a bare nine digits needs more, see `ssn`),
and one the SSA could issue (`ssn.issuable`)."""
_LABEL = re.compile(
    r"(?:^|(?<=[\s{,;|(]))(?P<quote>[\"']?)(?P<label>[A-Za-z][A-Za-z_ ./\-]{0,30}?[A-Za-z12])"
    r"(?P=quote)[ \t]*[:=][ \t]*(?P<vq>[\"']?)[ \t]*"
)
_VALUE_END = re.compile(r"[ \t]*(?:$|\n|\t|[ \t]{3,}|[ \t]+\|[ \t]|;)", re.MULTILINE)
_NAME_VALUE = re.compile(r"[^\W\d_][\w'\u2019.\-]*(?:[ \t]+[^\W\d_][\w'\u2019.\-]*){0,4}")
_AFTER_NAME = re.compile(
    r"[ \t,.]*(?:[<(\[][^>)\]\n]*[>)\]])?[ \t,.]*"
    r"(?:[,;][ \t]*(?:\+?[\d(][\d ()./\-]{5,}\d|[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)+"
    rf"|(?i:{DEPARTMENTS}))[ \t.]*)?"
)
"""What may follow a name in its field: an e-mail or a role in brackets, then a phone number,
an e-mail or the department after a comma (`Emergency contact: shimizu yōko, +819012338972`,
`cc: Nakul Gala, Finance`)."""
_DEPARTMENT = re.compile(rf"(?i:{DEPARTMENTS})")
_GIVEN_AFTER = re.compile(
    r",[ \t]*(?P<given>[^\W\d_][\w'\u2019\-]*(?:[ \t]+[^\W\d_][\w'\u2019\-]*)?)[ \t.]*"
)
"""The given names after a surname and a comma, the whole rest of a name field."""
_NO_VALUE = frozenset("n/a na none null unknown tbd tba - -- yes no true false".split())


def _label_key(label: str) -> str:
    spaced = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", label)  # firstName -> first Name
    return re.sub(r"[_\-.]+|\s+", " ", spaced).strip().lower()


class LabelledFieldsRecognizer(RegexRecognizer):
    """One recognizer, several entity types: the label decides (see `analyze`)."""

    entity = "ADDRESS"
    score = 0.7
    quick_check = re.compile(r"[:=]")

    def __init__(self, names: NameLists) -> None:
        super().__init__()
        self.supported_entities = ["ADDRESS", "PERSON", "LOCATION", "US_SSN"]
        self._names = names

    def fields(self, text: str) -> list[tuple[str, int, int]]:
        """(entity type, start, end) of each labelled value in `text`."""
        if not self.quick_check.search(text):
            return []
        found: list[tuple[str, int, int]] = []
        for m in _LABEL.finditer(text):
            key = _label_key(m.group("label"))
            kind = _kind(key)
            if kind is None and key.endswith(_PERSON_ROLES):
                # `escalation contact`, `billing contact`, `account owner`: a kind of contact
                key = key.rsplit(" ", 1)[-1]
                kind = "PERSON"
            if kind is None:
                continue
            start = m.end()
            if m.group("vq"):
                close = text.find(m.group("vq"), start)
                end = close if 0 <= close - start <= 160 else -1
            else:
                stop = _VALUE_END.search(text, start)
                end = stop.start() if stop else len(text)
                if kind == "ADDRESS" and (end > start or key not in _PARTY):
                    end = _envelope_end(text, end)  # the lines under the label's are the address's
            start += len(text[start:end]) - len(text[start:end].lstrip())
            if end <= start:
                continue
            value = text[start:end].rstrip(" ,")
            end = start + len(value)
            if value[:1] in "{[":
                continue  # an object or a list: its own fields are read one by one
            if kind == "PERSON":
                span = self._person(text, start, end, sure=key in _SURE_PERSON)
                if span:
                    found.append(("PERSON", *span))
            elif _address_value(value):
                found.append((kind, start, end))
        return found

    def tables(self, text: str) -> list[tuple[str, int, int]]:
        """Cells under a header that names them: `id,name,phone,town` over CSV rows."""
        found: list[tuple[str, int, int]] = []
        lines = [(m.start(), m.group(0)) for m in re.finditer(r"[^\n]+", text)]
        i = 0
        while i < len(lines):
            header = _header(lines[i][1])
            if header is None:
                i += 1
                continue
            delimiter, kinds = header
            i += 1
            while i < len(lines) and lines[i][1].count(delimiter) == len(kinds) - 1:
                at, line = lines[i]
                offset = 0
                for kind, cell in zip(kinds, line.split(delimiter), strict=True):
                    start = at + offset + len(cell) - len(cell.lstrip())
                    end = at + offset + len(cell.rstrip())
                    offset += len(cell) + 1
                    if kind and end > start and _cell_ok(kind, text[start:end]):
                        found.append((kind, start, end))
                i += 1
        return found

    def _person(self, text: str, start: int, end: int, *, sure: bool) -> tuple[int, int] | None:
        m = _NAME_VALUE.match(text, start, end)
        if m is None:
            return None
        value = m.group(0).rstrip(".")
        given = None if " " in value else _GIVEN_AFTER.fullmatch(text, start + len(value), end)
        if given:  # directory order: `Escalation contact: Lynchehaun, Tiarnan`
            value = text[start : given.end("given")]
        words = [w.lower() for w in re.split(r"[ \t,]+", value) if w]
        rest = text[start + len(value) : end]
        if not words or value.lower() in _NO_VALUE or not _AFTER_NAME.fullmatch(rest):
            return None  # more after the name than an e-mail in brackets: not a name field
        if given and any(self._ordinary(w) for w in words):
            return None  # `Sales, London`: a team and a town, not a surname and a given name
        first_end = start + len(value.split()[0])
        if in_firm_name(text, start, first_end) or (
            not sure and not self._looks_named(value, words, cased=not text.islower())
        ):
            return None  # `From: Grupo Alameda S.L.`: a firm
        return start, start + len(value)

    def _looks_named(self, value: str, words: list[str], *, cased: bool) -> bool:
        names = self._names
        listed = any(
            (w in names.first or w in names.last or fold_accents(w) in names.last)
            and w not in names.english
            for w in words
        )
        # in a text with no capitals, no word is in Title Case: `from: wahban ayyubi`
        titled = all(w[:1].isupper() for w in value.split()) or not cased
        ordinary = any(self._ordinary(w) for w in words)
        return (listed and not (ordinary and len(words) == 1)) or (titled and not ordinary)

    def _ordinary(self, word: str) -> bool:
        names = self._names
        return word in names.english or word in names.common or bool(_DEPARTMENT.fullmatch(word))

    def find(self, text: str) -> list[tuple[int, int]]:
        return [(s, e) for _, s, e in self.fields(text) + self.tables(text)]

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
    ) -> list[RecognizerResult]:
        return [
            RecognizerResult(kind, start, end, self.score)
            for kind, start, end in self.fields(text) + self.tables(text)
            if not entities or kind in entities
        ]


def _kind(key: str) -> str | None:
    if key in _SURE_PERSON or key in _MAYBE_PERSON:
        return "PERSON"
    if key in _ADDRESS:
        return "ADDRESS"
    if key in _PLACE:
        return "LOCATION"
    if key in _SSN:
        return "US_SSN"
    return None


def _header(line: str) -> tuple[str, list[str | None]] | None:
    """The delimiter and each column's entity type, if `line` is a table's header naming one."""
    for delimiter in (",", ";", "\t", "|"):
        cells = [c.strip().strip("\"'") for c in line.split(delimiter)]
        if len(cells) < 3 or not all(re.fullmatch(r"[A-Za-z][\w ./\-]{0,30}", c) for c in cells):
            continue
        kinds = [_kind(_label_key(c)) for c in cells]
        if any(kinds):
            return delimiter, kinds
    return None


def _cell_ok(kind: str, value: str) -> bool:
    if kind == "US_SSN":
        return _SSN_VALUE.fullmatch(value) is not None and issuable(re.sub(r"\D", "", value))
    if kind == "PERSON":
        return _NAME_VALUE.fullmatch(value) is not None and value.lower() not in _NO_VALUE
    return _address_value(value)


_ENVELOPE_LINE = re.compile(r"[ \t]*\n[ \t]*(?P<line>[^\n]{1,60}?)[ \t]*(?=\n|$)")
_NOT_ADDRESS_LINE = re.compile(
    r"(?i:tel|phone|mobile|mob|cell|fax|e-?mail|web|www|attn|attention|ref|vat|iban)\b|.*[@?!]"
)
"""A line under an address that starts another field (`Tel. +44 ...`, `Attn: ...`)."""
_LINE_WORD = re.compile(r"[^\W\d_]+")


def _envelope_end(text: str, end: int) -> int:
    """Where the address that a label introduces ends: the label's line, and the lines under it
    that read as an envelope's (`Bill to:` then `Flat 143, Anna Salai` / `Nashik - 203242` /
    `Maharashtra`), whatever the country's format. A line is one when it is short, starts no
    other field and holds no English stop word (`leave it with the neighbour` is prose); an
    empty line, or a fifth one, ends the block."""
    stop = english_stop_words()
    for _ in range(4):
        m = _ENVELOPE_LINE.match(text, end)
        if m is None or _LABEL.match(m.group("line")) or _NOT_ADDRESS_LINE.match(m.group("line")):
            break
        words = [w.lower() for w in _LINE_WORD.findall(m.group("line"))]
        if len(words) > 7 or any(w in stop for w in words):
            break
        end = m.end("line")
    return end


def _address_value(value: str) -> bool:
    """Something an address line can be: a letter or digit, no e-mail or link, not too long."""
    lower = value.lower()
    return (
        any(c.isalnum() for c in value)
        and lower not in _NO_VALUE
        and "@" not in value
        and "://" not in value
        and len(value) <= 140
        and not re.fullmatch(r"\d{1,3}", value)
    )
