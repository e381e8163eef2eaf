"""Benchmark texts: business prose with personal data, at fixed sizes, every text unique.

Unique texts matter: a memoised engine would otherwise answer repeated
texts from memory and the single-message numbers would mean nothing.
"""

from __future__ import annotations

import random

from bench.trust import specimens as sp

_SENTENCES = [
    "Hi team, following up on the ticket {n} that {person} opened on Monday.",
    "The customer {person} asked us to call back at {phone} after 3 pm.",
    "Please send the signed contract to {email} and copy the account manager.",
    "Our records show the payment from card {card} was declined twice.",
    "The delivery to the warehouse in {city} is delayed by two days because of weather.",
    "We reviewed the quarterly numbers and the margin improved by {n} basis points.",
    "Could you double check the invoice total, it looks higher than the purchase order?",
    "{person} from finance confirmed the refund will be processed this week.",
    "The server at {ip} keeps timing out, can someone restart the service?",
    "Let me know if the new onboarding checklist covers everything we discussed.",
    "I spoke with {person} about the renewal and they want a discount on the second year.",
    "For the payroll change use IBAN {iban} starting next month.",
]


def _fill(template: str, rng: random.Random) -> str:
    first, last = rng.choice(sp.FIRST), rng.choice(sp.LAST)
    return template.format(
        n=rng.randint(1000, 99999),
        person=f"{first} {last}",
        phone=sp.phone(rng),
        email=sp.email(rng, first, last),
        card=sp.credit_card(rng),
        city=rng.choice(sp.CITIES),
        ip=sp.ipv4(rng),
        iban=sp.iban(rng),
    )


def message(rng: random.Random, size: int) -> str:
    parts: list[str] = []
    while sum(len(p) + 1 for p in parts) < size:
        parts.append(_fill(rng.choice(_SENTENCES), rng))
    return " ".join(parts)[: size + 80]


def messages(seed: int, size: int, count: int) -> list[str]:
    rng = random.Random(seed * 1_000_003 + size)
    return [message(rng, size) for _ in range(count)]


def chat(seed: int, turns: int = 10, size: int = 300) -> list[str]:
    """One chat's user turns; each request resends all earlier turns plus the new one."""
    rng = random.Random(seed)
    return [message(rng, size) for _ in range(turns)]
