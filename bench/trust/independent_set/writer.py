"""Texts written piece by piece, so every labelled value's span is known exactly.

A shape writes literal text and values into a `Doc`; the doc records each
value's offsets as it appends it, after any case change, so upper-casing a
"ß" into "SS" cannot shift a label. `Persona` keeps one person's values
consistent (the e-mail is made from the name, the phone from the country).
"""

from __future__ import annotations

import random
import string
from dataclasses import dataclass, field
from string import Formatter

from bench.trust.independent_set import addresses, identifiers
from bench.trust.independent_set.locales import IBAN_ELSEWHERE, LOCALES
from bench.trust.independent_set.people import Name, ascii_fold, draw_name

PERSON, LOCATION, ADDRESS = "PERSON", "LOCATION", "ADDRESS"
EMAIL, PHONE, CARD = "EMAIL_ADDRESS", "PHONE_NUMBER", "CREDIT_CARD"
IBAN, IP, SSN = "IBAN_CODE", "IP_ADDRESS", "US_SSN"


@dataclass(frozen=True, slots=True)
class Val:
    """A labelled value; `variant` is its case as written or the obfuscation applied."""

    text: str
    type: str
    variant: str = "plain"

    def caps(self) -> Val:
        return Val(self.text.upper(), self.type, "caps")

    def lower(self) -> Val:
        return Val(self.text.lower(), self.type, "lower")


Slot = str | Val


@dataclass(slots=True)
class Doc:
    case: str = "plain"  # plain, caps or lower: applied to every piece written
    parts: list[str] = field(default_factory=list)
    spans: list[dict] = field(default_factory=list)
    values: list[str] = field(default_factory=list)  # each span's text as written, to check
    length: int = 0

    def _cased(self, s: str) -> str:
        return s.upper() if self.case == "caps" else s.lower() if self.case == "lower" else s

    def text(self, s: str) -> Doc:
        s = self._cased(s)
        self.parts.append(s)
        self.length += len(s)
        return self

    def value(self, v: Val) -> Doc:
        obfuscated = v.variant not in ("plain", "caps", "lower")
        s = v.text if obfuscated else self._cased(v.text)
        variant = v.variant if obfuscated or self.case == "plain" else self.case
        self.spans.append(
            {"start": self.length, "end": self.length + len(s), "type": v.type, "variant": variant}
        )
        self.values.append(s)
        self.parts.append(s)
        self.length += len(s)
        return self

    def say(self, template: str, **slots: Slot) -> Doc:
        """Write `template`, whose `{name}` fields are filled from `slots` (Val: labelled)."""
        for literal, name, _, _ in Formatter().parse(template):
            if literal:
                self.text(literal)
            if name is not None:
                slot = slots[name]
                if isinstance(slot, Val):
                    self.value(slot)
                else:
                    self.text(slot)
        return self

    def block(self, lines: list[Val], indent: str = "", end: str = "\n") -> Doc:
        """Values one per line, as in an address block."""
        for v in lines:
            self.text(indent).value(v).text(end)
        return self

    @property
    def rendered(self) -> str:
        return "".join(self.parts)


_LOCAL_PARTS = (
    "{g}.{f}",
    "{g}.{f}",
    "{gi}{f}",
    "{g}{fi}",
    "{g}_{f}",
    "{f}.{g}",
    "{g}.{f}{n}",
    "{g}{n}",
    "{gi}.{f}",
    "{f}{gi}",
    "{g}-{f}",
    "{g}.{f}+{tag}",
)


def _mail_token(s: str) -> str:
    folded = ascii_fold(s).lower()
    return "".join(c for c in folded if c in string.ascii_lowercase + string.digits)


@dataclass(slots=True)
class Persona:
    """One person, with values that belong together."""

    rng: random.Random
    country: str
    name: Name = field(init=False)

    def __post_init__(self) -> None:
        self.name = draw_name(self.rng, self.country)

    @property
    def full(self) -> Val:
        return Val(self.name.full, PERSON)

    @property
    def western(self) -> Val:
        return Val(self.name.western, PERSON)

    @property
    def given(self) -> Val:
        return Val(self.name.given, PERSON)

    @property
    def family(self) -> Val:
        return Val(self.name.family, PERSON)

    def email(self, domain: str | None = None) -> Val:
        g = _mail_token(self.name.given.split()[0] if self.country != "VN" else self.name.given)
        f = _mail_token(
            self.name.family.split()[-1] if " " in self.name.family else self.name.family
        )
        local = self.rng.choice(_LOCAL_PARTS).format(
            g=g,
            f=f,
            gi=g[0],
            fi=f[0],
            n=self.rng.choice(["1987", "77", "2003", "12", "99"]),
            tag=self.rng.choice(["billing", "news", "work", "shop"]),
        )
        domain = domain or self.rng.choice(LOCALES[self.country].mail_domains)
        return Val(f"{local}@{domain}", EMAIL)

    def phone(self, extension: bool = False) -> Val:
        return Val(identifiers.phone(self.rng, self.country, extension), PHONE)

    def address(self, abroad: bool = False) -> addresses.Address:
        return addresses.address(self.rng, self.country, abroad)

    def address_lines(self, abroad: bool = False) -> list[Val]:
        return [Val(line, ADDRESS) for line in self.address(abroad).lines]

    def address_line(self) -> Val:
        return Val(self.address().one_line(), ADDRESS)

    def town(self) -> Val:
        return Val(addresses.town(self.rng, self.country), LOCATION)

    def iban(self) -> Val:
        country = LOCALES[self.country].iban or self.rng.choice(IBAN_ELSEWHERE)
        return Val(identifiers.iban(self.rng, country), IBAN)

    def card(self) -> Val:
        local = {"IN": "rupay", "BR": "elo", "TR": "troy", "NG": "verve"}.get(self.country)
        scheme = local if local and self.rng.random() < 0.4 else None
        return Val(identifiers.card(self.rng, scheme), CARD)

    def ssn(self) -> Val:
        return Val(identifiers.ssn(self.rng), SSN)


def ip(rng: random.Random, v6: float = 0.3) -> Val:
    return Val(identifiers.ipv6(rng) if rng.random() < v6 else identifiers.ipv4(rng), IP)
