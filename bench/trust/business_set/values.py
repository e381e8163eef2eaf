# ruff: noqa: RUF001  (letters that need transliterating)
"""The people and identifiers a document talks about, drawn from Faker's locales.

Each `Person` is consistent within itself (the e-mail is made from the name,
the phone and address come from the same locale), as in real records. Values
are what Faker's locale providers produce, in the forms people in that
country write them; nothing here is shaped after modelgw's recognizers.
Structured identifiers are valid: cards pass Luhn, IBANs mod-97.
"""

from __future__ import annotations

import random
import string
import unicodedata
import zlib
from dataclasses import dataclass
from functools import cache

from faker import Faker

# Transliterations NFKD does not do (the letter has no combining decomposition).
_ASCII_LETTERS = str.maketrans({"ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "đ": "d", "ß": "ss"})
_ASCII_LETTERS.update(str.maketrans({"æ": "ae", "Æ": "AE", "ð": "d", "þ": "th", "ı": "i"}))

_NON_ENGLISH = {
    "de_DE": "Germany",
    "de_AT": "Austria",
    "fr_FR": "France",
    "es_ES": "Spain",
    "it_IT": "Italy",
    "nl_NL": "Netherlands",
    "pl_PL": "Poland",
    "pt_BR": "Brazil",
    "pt_PT": "Portugal",
    "sv_SE": "Sweden",
    "da_DK": "Denmark",
    "cs_CZ": "Czech Republic",
    "no_NO": "Norway",
    "fi_FI": "Finland",
    "en_US": "USA",
    "en_GB": "United Kingdom",
    "en_CA": "Canada",
    "en_AU": "Australia",
}


@cache
def faker(locale: str, seed: int) -> Faker:
    fake = Faker(locale)
    fake.seed_instance(seed ^ zlib.crc32(locale.encode()))
    for provider in fake.get_providers():
        # it_IT builds its city list from a set: its order (and so every draw) would follow
        # the process's string hash seed.
        if isinstance(getattr(provider, "cities", None), list):
            provider.cities = sorted(provider.cities)
    return fake


def ascii_fold(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text.translate(_ASCII_LETTERS))
    return "".join(c for c in plain if not unicodedata.combining(c) and c.isascii())


@dataclass(frozen=True, slots=True)
class Person:
    locale: str
    first: str
    last: str
    email: str
    phone: str
    address: str
    """As Faker writes it: usually several lines."""
    street: str
    city: str
    postcode: str
    country: str

    @property
    def name(self) -> str:
        return f"{self.first} {self.last}"


def person(fake: Faker, rng: random.Random) -> Person:
    first, last = fake.first_name(), fake.last_name()
    local = ascii_fold(
        rng.choice([f"{first}.{last}", f"{first[0]}{last}", f"{first}_{last}", f"{last}{first[0]}"])
    )
    local = "".join(c for c in local.lower() if c.isalnum() or c in "._")
    domain = rng.choice([fake.free_email_domain(), fake.domain_name(), "example.com"])
    email = f"{local}@{domain}" if rng.random() < 0.7 else fake.email()
    return Person(
        locale=fake.locales[0] if hasattr(fake, "locales") else "",
        first=first,
        last=last,
        email=email,
        phone=fake.phone_number(),
        address=fake.address(),
        street=fake.street_address(),
        city=fake.city(),
        postcode=fake.postcode(),
        country=_NON_ENGLISH.get(fake.locales[0], "USA"),
    )


def _luhn_complete(prefix: str, length: int, rng: random.Random) -> str:
    body = prefix + "".join(rng.choice(string.digits) for _ in range(length - len(prefix) - 1))
    total = 0
    for i, ch in enumerate(reversed(body)):
        d = int(ch) * (2 if i % 2 == 0 else 1)
        total += d - 9 if d > 9 else d
    return body + str((10 - total % 10) % 10)


CARD_TYPES = (
    "visa16",
    "visa13",
    "visa19",
    "mastercard",
    "amex",
    "discover",
    "diners",
    "jcb15",
    "jcb16",
    "maestro",
    "unionpay",
)


def card(fake: Faker, rng: random.Random) -> str:
    kind = rng.choice(CARD_TYPES)
    if kind == "unionpay":
        number = _luhn_complete("62" + str(rng.randint(2126, 8899)), rng.choice([16, 19]), rng)
    else:
        number = fake.credit_card_number(card_type=kind)
    style = rng.random()
    if style < 0.45:
        return number
    sep = rng.choice([" ", " ", "-"])
    if len(number) == 15 and kind == "amex":
        return sep.join([number[:4], number[4:10], number[10:]])
    return sep.join(number[i : i + 4] for i in range(0, len(number), 4))


def iban(fake: Faker, rng: random.Random) -> str:
    value = fake.iban()
    if rng.random() < 0.55:
        value = " ".join(value[i : i + 4] for i in range(0, len(value), 4))
    return value


def ssn(fake: Faker, rng: random.Random) -> str:
    value = fake.ssn()
    style = rng.random()
    if style < 0.15:
        return value.replace("-", " ")
    if style < 0.25:
        return value.replace("-", "")
    return value


def ip(fake: Faker, rng: random.Random) -> str:
    style = rng.random()
    if style < 0.5:
        return fake.ipv4_public()
    if style < 0.75:
        return fake.ipv4_private()
    return fake.ipv6()


def phone(person: Person, rng: random.Random) -> str:
    """The locale's own format, sometimes with an extension the way offices write one."""
    value = person.phone
    if "x" not in value and rng.random() < 0.12:
        value += rng.choice([" ext. ", " ext ", " x", " extension "]) + str(rng.randint(10, 9999))
    return value


def postcode_phrase(person: Person, rng: random.Random) -> tuple[str, str]:
    """A lead-in that says a postcode follows (`zip code`, `postcode`, `PLZ`), and the code."""
    lead = {
        "en_US": ["zip code ", "ZIP ", "zip "],
        "en_GB": ["postcode ", "post code "],
        "en_CA": ["postal code "],
        "en_AU": ["postcode "],
        "de_DE": ["PLZ ", "postcode "],
        "de_AT": ["PLZ "],
        "pt_BR": ["CEP ", "postal code "],
        "fr_FR": ["code postal ", "postcode "],
    }.get(person.locale, ["postal code ", "postcode "])
    return rng.choice(lead), person.postcode


def po_box(fake: Faker, rng: random.Random) -> str:
    box = rng.choice(["PO Box", "P.O. Box", "P. O. Box", "POB", "Post Office Box"])
    city = fake.city()
    return f"{box} {rng.randint(1, 99999)}\n{city}, {fake.state_abbr()} {fake.postcode()}"


def military(fake: Faker, rng: random.Random) -> str:
    style = rng.randrange(3)
    state = rng.choice(["AA", "AE", "AP"])
    if style == 0:
        return f"{fake.military_apo()}\nAPO {state} {fake.postcode()}"
    if style == 1:
        return f"{fake.military_ship()} {fake.last_name()}\nFPO {state} {fake.postcode()}"
    return f"{fake.military_dpo()}\nDPO {state} {fake.postcode()}"
