"""Write `eval_set.jsonl`: labelled texts with the exact span and type of every identifier.

Run `python -m bench.trust.build_eval_set` to regenerate (seeded: same file every time).
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from pathlib import Path

from bench.trust import specimens as sp

OUT = Path(__file__).with_name("eval_set.jsonl")
Piece = str | tuple[str, str, str]  # text, or (entity type, value, variant)
Template = Callable[[random.Random], list[Piece]]


def _name(rng: random.Random) -> tuple[str, str]:
    return rng.choice(sp.FIRST), rng.choice(sp.LAST)


def t_intro(r: random.Random) -> list[Piece]:
    first, last = _name(r)
    return [
        "Hi, my name is ",
        ("PERSON", f"{first} {last}", "plain"),
        " and I live in ",
        ("LOCATION", r.choice(sp.CITIES), "plain"),
        ". Please call me at ",
        ("PHONE_NUMBER", sp.phone(r), "plain"),
        " or email ",
        ("EMAIL_ADDRESS", sp.email(r, first, last), "plain"),
        ".",
    ]


def t_card(r: random.Random) -> list[Piece]:
    first, last = _name(r)
    return [
        "Customer ",
        ("PERSON", f"{first} {last}", "plain"),
        " says card ",
        ("CREDIT_CARD", sp.credit_card(r), "plain"),
        " was charged twice last week.",
    ]


def t_payroll(r: random.Random) -> list[Piece]:
    first, last = _name(r)
    return [
        "Please update payroll for ",
        ("PERSON", f"{first} {last}", "plain"),
        ": SSN ",
        ("US_SSN", sp.ssn(r), "plain"),
        ", IBAN ",
        ("IBAN_CODE", sp.iban(r), "plain"),
        ", effective next month.",
    ]


def t_network(r: random.Random) -> list[Piece]:
    return [
        "The server at ",
        ("IP_ADDRESS", sp.ipv4(r), "plain"),
        " and its twin ",
        ("IP_ADDRESS", sp.ipv6(r), "plain"),
        " returned 502; device ",
        ("MAC_ADDRESS", sp.mac(r), "plain"),
        " was flagged by the firewall.",
    ]


def t_deploy(r: random.Random) -> list[Piece]:
    return [
        "Deploy with access key ",
        ("API_KEY", sp.aws_key(r), "plain"),
        " and set db_password=",
        ("PASSWORD", sp.password(r), "plain"),
        " in the env file.",
    ]


def t_bearer(r: random.Random) -> list[Piece]:
    return [
        "curl -H 'Authorization: Bearer ",
        ("JWT", sp.jwt(r), "plain"),
        "' https://api.example.com/v1/items fails with 401.",
    ]


def t_github(r: random.Random) -> list[Piece]:
    return [
        "My GitHub token is ",
        ("API_KEY", sp.github_token(r), "plain"),
        ", can you check why the push fails?",
    ]


def t_caps(r: random.Random) -> list[Piece]:
    first, last = _name(r)
    return [
        "URGENT: ",
        ("PERSON", f"{first} {last}".upper(), "caps"),
        " CALLED FROM ",
        ("PHONE_NUMBER", sp.phone(r), "plain"),
        " ABOUT THE INVOICE, SHIP TO ",
        ("LOCATION", r.choice(sp.CITIES).upper(), "caps"),
        ".",
    ]


def t_lower(r: random.Random) -> list[Piece]:
    first, last = _name(r)
    return [
        "spoke with ",
        ("PERSON", f"{first} {last}".lower(), "lower"),
        " yesterday about the refund, they want it by friday and sent to ",
        ("LOCATION", r.choice(sp.CITIES).lower(), "lower"),
    ]


def t_key(r: random.Random) -> list[Piece]:
    return [
        "Here is the deploy key, keep it safe:\n",
        ("PRIVATE_KEY", sp.private_key(r), "plain"),
        "\nthanks",
    ]


def t_travel(r: random.Random) -> list[Piece]:
    first, last = _name(r)
    return [
        ("PERSON", f"{first} {last}", "plain"),
        " will fly from ",
        ("LOCATION", r.choice(sp.CITIES), "plain"),
        " to ",
        ("LOCATION", r.choice(sp.CITIES), "plain"),
        " on Tuesday for the audit.",
    ]


def t_obf_email(r: random.Random) -> list[Piece]:
    first, last = _name(r)
    value = sp.email(r, first, last)
    variant = r.choice(["zero_width", "homoglyph", "at_dot", "fullwidth_at"])
    if variant == "zero_width":
        value = sp.zero_width(value, r)
    elif variant == "homoglyph":
        value = sp.homoglyph(value)
    elif variant == "at_dot":
        value = sp.at_dot(value)
    else:
        value = value.replace("@", "\uff20")
    return ["Reach me at ", ("EMAIL_ADDRESS", value, variant), " after the meeting."]


def t_obf_card(r: random.Random) -> list[Piece]:
    value = sp.credit_card(r)
    variant = r.choice(["bullets", "fullwidth", "spaced"])
    if variant == "bullets" and (" " in value or "-" in value):
        value = sp.bullets(value)
    elif variant == "fullwidth":
        value = sp.fullwidth_digits(value)
    else:
        variant = "spaced"
        value = sp.spaced_digits(value)
    return ["Charge the card ", ("CREDIT_CARD", value, variant), " for the renewal."]


def t_obf_ssn(r: random.Random) -> list[Piece]:
    value = sp.ssn(r)
    variant = r.choice(["fullwidth", "dashes", "zero_width"])
    if variant == "fullwidth":
        value = sp.fullwidth_digits(value)
    elif variant == "dashes":
        value = value.replace("-", "\u2013")
    else:
        value = sp.zero_width(value, r)
    return ["Applicant SSN is ", ("US_SSN", value, variant), " per the form."]


def t_obf_phone(r: random.Random) -> list[Piece]:
    value = sp.phone(r)
    variant = r.choice(["fullwidth", "nbsp", "zero_width"])
    if variant == "fullwidth":
        value = sp.fullwidth_digits(value)
    elif variant == "nbsp":
        value = value.replace(" ", "\u00a0")
    else:
        value = sp.zero_width(value, r)
    return ["Call the client on ", ("PHONE_NUMBER", value, variant), " before noon."]


def t_obf_iban(r: random.Random) -> list[Piece]:
    value = sp.iban(r)
    variant = r.choice(["fullwidth", "zero_width", "lowercase"])
    if variant == "fullwidth":
        value = sp.fullwidth_digits(value)
    elif variant == "zero_width":
        value = sp.zero_width(value, r)
    else:
        value = value.lower()
    return ["Wire the deposit to ", ("IBAN_CODE", value, variant), " by Friday."]


def t_obf_network(r: random.Random) -> list[Piece]:
    address = sp.ipv4(r) if r.random() < 0.6 else sp.ipv6(r)
    ip_variant = r.choice(["fullwidth", "zero_width"])
    if ip_variant == "fullwidth":
        address = sp.fullwidth_digits(address)
    else:
        address = sp.zero_width(address, r)
    mac = sp.mac(r)
    mac_variant = r.choice(["dotted", "zero_width", "fullwidth"])
    if mac_variant == "dotted":
        mac = sp.dotted_mac(mac)
    elif mac_variant == "zero_width":
        mac = sp.zero_width(mac, r)
    else:
        mac = sp.fullwidth_digits(mac)
    return [
        "Block ",
        ("IP_ADDRESS", address, ip_variant),
        " and the laptop ",
        ("MAC_ADDRESS", mac, mac_variant),
        " until the incident is closed.",
    ]


CLEAN = [
    "Can you summarise the attached quarterly report in three bullet points?",
    "Write a polite reminder that the invoice is due at the end of the month.",
    "Translate 'the meeting is postponed' into French and German.",
    "What is the difference between a mutex and a semaphore?",
    "The build failed with exit code 137 after 45 minutes; memory was at 98%.",
    "Please draft a job ad for a senior backend engineer, hybrid, 3 days in office.",
    "Version 2.4.1 fixed the regression introduced in 2.3.0, see ticket 4821.",
    "Our revenue grew 12.5% year over year to 4.2 million.",
    "Explain how HTTP caching headers like ETag and Cache-Control interact.",
    "Sort the list [5, 3, 9, 1] and explain the algorithm you used.",
    "The order of 250 units ships in 2 boxes, each 40 x 30 x 20 cm.",
    "List five ideas for the team offsite agenda.",
    "Refactor this function to avoid the nested loops and add type hints.",
    "The SLA is 99.95% monthly uptime with a 4-hour response time.",
    "Convert 72 degrees Fahrenheit to Celsius.",
    "Please review the pull request and leave comments on error handling.",
    "What are the main risks of migrating the database during business hours?",
    "Write a haiku about autumn leaves and rain.",
    "The password policy requires 14 characters and rotation every 90 days.",
    "Ticket 88213 was closed as a duplicate of 88190.",
]

TEMPLATES: list[tuple[Template, int]] = [
    (t_intro, 25),
    (t_card, 20),
    (t_payroll, 20),
    (t_network, 20),
    (t_deploy, 15),
    (t_bearer, 10),
    (t_github, 10),
    (t_caps, 15),
    (t_lower, 15),
    (t_key, 6),
    (t_travel, 15),
    (t_obf_email, 20),
    (t_obf_card, 15),
    (t_obf_ssn, 15),
    (t_obf_phone, 12),
    (t_obf_iban, 15),
    (t_obf_network, 20),
]


def render(pieces: list[Piece]) -> dict[str, object]:
    text, spans = "", []
    for piece in pieces:
        if isinstance(piece, str):
            text += piece
            continue
        entity_type, value, variant = piece
        spans.append(
            {
                "type": entity_type,
                "start": len(text),
                "end": len(text) + len(value),
                "variant": variant,
            }
        )
        text += value
    return {"text": text, "spans": spans}


def build(seed: int = 20260101) -> list[dict[str, object]]:
    rng = random.Random(seed)
    samples = [render(template(rng)) for template, count in TEMPLATES for _ in range(count)]
    samples.extend({"text": t, "spans": []} for t in CLEAN)
    return samples


def dumps(samples: list[dict[str, object]]) -> str:
    """The file's text: one JSON object a line (a test compares it with the committed file)."""
    return "".join(json.dumps(sample, ensure_ascii=False) + "\n" for sample in samples)


def main() -> None:
    samples = build()
    OUT.write_text(dumps(samples), encoding="utf-8")
    print(f"wrote {len(samples)} samples to {OUT}")


if __name__ == "__main__":
    main()
