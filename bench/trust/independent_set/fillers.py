"""Unlabelled material: dates, amounts, reference numbers, companies, titles.

Several of these are look-alikes on purpose: reference numbers of card length
that fail Luhn, phone-shaped numbers that no national plan allows, ISBNs,
versions, timestamps. They stand in the business texts as they do in real
ones, so a detector that masks every long number pays for it in precision.
"""

from __future__ import annotations

import random
import string

import phonenumbers

from bench.trust.independent_set.identifiers import luhn_valid

COMPANIES = (
    "Northwind Traders",
    "Halvorsen & Lund AS",
    "Brightwater Logistics",
    "Kestrel Health",
    "Meridian Freight GmbH",
    "Tecelagem Aurora Ltda.",
    "Sakura Shoji K.K.",
    "Zenith Meridian Ltd",
    "Anadolu Tekstil A.Ş.",
    "Grupo Alameda S.L.",
    "Studio Ferraro S.r.l.",
    "Infosol Technologies Pvt. Ltd.",
    "Atelier Beaumont SARL",
    "Polmex Sp. z o.o.",
    "Bluefin Analytics Inc.",
    "Harrowgate Legal LLP",
)
PRODUCTS = (
    "ThinkPad X1 Carbon",
    "Galaxy Tab S9",
    "Kindle Paperwhite",
    "Dyson V15",
    "AirPods Pro",
    "Nespresso Vertuo",
    "Philips Hue starter kit",
    "Bosch Serie 6 dishwasher",
    "Garmin Forerunner 265",
    "Lenovo Legion Go",
)


def digits(rng: random.Random, n: int) -> str:
    return "".join(rng.choice(string.digits) for _ in range(n))


def date(rng: random.Random) -> str:
    y, m, d = rng.randint(2019, 2026), rng.randint(1, 12), rng.randint(1, 28)
    return rng.choice(
        [f"{y}-{m:02d}-{d:02d}", f"{d:02d}.{m:02d}.{y}", f"{m}/{d}/{y}", f"{d}/{m}/{y}"]
    )


def birth_date(rng: random.Random) -> str:
    y, m, d = rng.randint(1948, 2004), rng.randint(1, 12), rng.randint(1, 28)
    return rng.choice([f"{y}-{m:02d}-{d:02d}", f"{d:02d}/{m:02d}/{y}", f"{m:02d}/{d:02d}/{y}"])


def clock(rng: random.Random) -> str:
    return f"{rng.randint(7, 19):02d}:{rng.randint(0, 59):02d}"


def timestamp(rng: random.Random) -> str:
    return (
        f"2025-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}T"
        f"{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}:{rng.randint(0, 59):02d}."
        f"{rng.randint(0, 999):03d}Z"
    )


def amount(rng: random.Random) -> str:
    value = rng.randint(5, 9000) + rng.randint(0, 99) / 100
    return rng.choice([f"${value:,.2f}", f"€{value:.2f}", f"{value:.2f} EUR", f"£{value:,.2f}"])


def ticket(rng: random.Random) -> str:
    return rng.choice(
        [
            f"#{rng.randint(10000, 999999)}",
            f"INC{digits(rng, 7)}",
            f"CS-{digits(rng, 5)}",
            f"SR-{rng.randint(2023, 2026)}-{digits(rng, 4)}",
        ]
    )


def order_number(rng: random.Random) -> str:
    return rng.choice(
        [
            f"{digits(rng, 3)}-{digits(rng, 7)}-{digits(rng, 7)}",
            f"PO-{digits(rng, 6)}",
            f"ORD{digits(rng, 9)}",
            f"INV-{rng.randint(2023, 2026)}-{digits(rng, 5)}",
            f"{digits(rng, 10)}",
        ]
    )


def luhn_failing(rng: random.Random, length: int = 16) -> str:
    """A card-length number whose check digit is wrong."""
    while True:
        number = rng.choice("3456") + digits(rng, length - 1)
        if not luhn_valid(number):
            return number


def grouped(number: str, sep: str = " ") -> str:
    return sep.join(number[i : i + 4] for i in range(0, len(number), 4))


def invalid_phone(rng: random.Random) -> str:
    """Phone-shaped, but no national plan allows it (checked with libphonenumber)."""
    while True:
        candidate = rng.choice(
            [
                f"+1 {rng.choice('01')}{digits(rng, 2)}-{digits(rng, 3)}-{digits(rng, 4)}",
                f"+44 {rng.choice('0')}{digits(rng, 3)} {digits(rng, 6)}",
                f"+49 0{digits(rng, 3)} {digits(rng, 3)}",
                f"({rng.choice('01')}{digits(rng, 2)}) {digits(rng, 3)}-{digits(rng, 4)}",
            ]
        )
        try:
            parsed = phonenumbers.parse(candidate, "US")
        except phonenumbers.NumberParseException:
            return candidate
        if not phonenumbers.is_valid_number(parsed):
            return candidate


def isbn13(rng: random.Random) -> str:
    body = "978" + rng.choice(["0", "1", "3", "84", "85"]) + digits(rng, 8)
    body = body[:12]
    total = sum(int(d) * (1 if i % 2 == 0 else 3) for i, d in enumerate(body))
    check = (10 - total % 10) % 10
    return f"{body[:3]}-{body[3]}-{body[4:8]}-{body[8:12]}-{check}"


def version(rng: random.Random) -> str:
    return rng.choice(
        [
            f"v{rng.randint(1, 12)}.{rng.randint(0, 30)}.{rng.randint(0, 99)}",
            f"{rng.randint(1, 5)}.{rng.randint(0, 20)}.{rng.randint(0, 9)}-rc{rng.randint(1, 4)}",
            f"build {rng.randint(2019, 2026)}.{rng.randint(1, 12)}.{rng.randint(1000, 9999)}",
        ]
    )


def tracking(rng: random.Random) -> str:
    return rng.choice(
        [
            f"1Z{''.join(rng.choice(string.ascii_uppercase + string.digits) for _ in range(16))}",
            f"JD{digits(rng, 18)}",
            f"RR{digits(rng, 9)}PL",
            f"{digits(rng, 4)} {digits(rng, 4)} {digits(rng, 4)} {digits(rng, 2)}",
        ]
    )


def member_id(rng: random.Random) -> str:
    letters = "".join(rng.choice(string.ascii_uppercase) for _ in range(3))
    return f"{letters}{digits(rng, 9)}"
