"""Valid specimens of each identifier, and the obfuscations people and tools apply to them.

Every generator takes a `random.Random`, so the evaluation set is the same on
every machine. Cards pass Luhn, SSNs follow the SSA rules (no 000/666/9xx
area, no 00 group, no 0000 serial), IBANs carry a correct mod-97 checksum,
phone numbers are valid for libphonenumber, IPs and MACs parse.
"""

from __future__ import annotations

import base64
import json
import random
import string

FIRST = [
    "James",
    "Maria",
    "Robert",
    "Linda",
    "Michael",
    "Patricia",
    "David",
    "Jennifer",
    "Thomas",
    "Susan",
    "Daniel",
    "Karen",
    "Steven",
    "Nancy",
    "Paul",
    "Laura",
    "Kevin",
    "Emily",
    "Brian",
    "Rachel",
    "Anna",
    "Peter",
    "Olivia",
    "Henry",
    "Sophie",
]
LAST = [
    "Smith",
    "Johnson",
    "Williams",
    "Garcia",
    "Miller",
    "Davis",
    "Rodriguez",
    "Martinez",
    "Anderson",
    "Taylor",
    "Thomas",
    "Moore",
    "Jackson",
    "Harris",
    "Clark",
    "Lewis",
    "Walker",
    "Young",
    "Allen",
    "Wright",
    "Scott",
    "Turner",
    "Phillips",
    "Campbell",
]
CITIES = [
    "Chicago",
    "Boston",
    "Seattle",
    "Denver",
    "London",
    "Paris",
    "Berlin",
    "Madrid",
    "Toronto",
    "Sydney",
    "Dublin",
    "Amsterdam",
    "Houston",
    "Atlanta",
    "Phoenix",
]
DOMAINS = ["example.com", "mail.example.org", "corp.example.net", "example.co.uk"]


def luhn_complete(prefix: str, length: int, rng: random.Random) -> str:
    body = prefix + "".join(rng.choice(string.digits) for _ in range(length - len(prefix) - 1))
    total = 0
    for i, ch in enumerate(reversed(body)):
        d = int(ch)
        if i % 2 == 0:
            d = d * 2 - 9 if d * 2 > 9 else d * 2
        total += d
    return body + str((10 - total % 10) % 10)


def credit_card(rng: random.Random) -> str:
    prefix, length = rng.choice([("4", 16), ("51", 16), ("55", 16), ("37", 15), ("6011", 16)])
    number = luhn_complete(prefix, length, rng)
    if length == 16 and rng.random() < 0.6:
        sep = rng.choice([" ", "-"])
        return sep.join(number[i : i + 4] for i in range(0, 16, 4))
    return number


def ssn(rng: random.Random) -> str:
    while True:
        area = rng.randint(1, 899)
        if area != 666:
            break
    group, serial = rng.randint(1, 99), rng.randint(1, 9999)
    return f"{area:03d}-{group:02d}-{serial:04d}"


def _iban(country: str, bban: str) -> str:
    rearranged = bban + country + "00"
    digits = "".join(str(int(c, 36)) for c in rearranged)
    check = 98 - int(digits) % 97
    return f"{country}{check:02d}{bban}"


def iban(rng: random.Random) -> str:
    country, length = rng.choice([("DE", 18), ("GB", 18), ("FR", 23), ("NL", 14), ("ES", 20)])
    if country == "GB":
        bban = "NWBK" + "".join(rng.choice(string.digits) for _ in range(14))
    elif country == "NL":
        bban = "ABNA" + "".join(rng.choice(string.digits) for _ in range(10))
    else:
        bban = "".join(rng.choice(string.digits) for _ in range(length))
    value = _iban(country, bban)
    if rng.random() < 0.6:
        value = " ".join(value[i : i + 4] for i in range(0, len(value), 4))
    return value


def phone(rng: random.Random) -> str:
    area = rng.choice(["212", "415", "312", "617", "206", "303", "404", "512"])
    exchange = rng.choice(["555", "867", "734", "921", "456", "382"])
    line = f"{rng.randint(0, 9999):04d}"
    style = rng.randrange(7)
    if style == 0:
        return f"({area}) {exchange}-{line}"
    if style == 1:
        return f"{area}-{exchange}-{line}"
    if style == 2:
        return f"+1 {area} {exchange} {line}"
    if style == 3:
        return rng.choice(
            [
                "+44 20 7946 0958",
                "+49 30 901820",
                "+33 1 42 68 53 00",
                "+61 2 9374 4000",
                "+353 1 671 9111",
                "+34 912 345 678",
            ]
        )
    if style == 5:  # national forms outside the US, written as people there do
        return rng.choice(
            [
                "020 7946 0958",
                "01 42 68 53 00",
                "(02) 9374 4000",
                "030 901820",
                "912 345 678",
                "06 12345678",
            ]
        )
    if style == 6:  # the international prefix written as 00
        return rng.choice(["0044 20 7946 0958", "0049 30 901820", "0033 1 42 68 53 00"])
    return f"{area}.{exchange}.{line}"


def email(rng: random.Random, first: str, last: str) -> str:
    local = rng.choice([f"{first}.{last}", f"{first[0]}{last}", f"{first}{rng.randint(1, 99)}"])
    return f"{local.lower()}@{rng.choice(DOMAINS)}"


def ipv4(rng: random.Random) -> str:
    return ".".join(str(rng.randint(1, 254)) for _ in range(4))


def ipv6(rng: random.Random) -> str:
    groups = [f"{rng.randint(0, 0xFFFF):x}" for _ in range(8)]
    if rng.random() < 0.5:
        return f"2001:db8::{groups[6]}:{groups[7]}"
    return ":".join(groups)


def mac(rng: random.Random) -> str:
    sep = rng.choice([":", "-"])
    return sep.join(f"{rng.randint(0, 255):02x}" for _ in range(6))


def aws_key(rng: random.Random) -> str:
    return "AKIA" + "".join(rng.choice(string.ascii_uppercase + "234567") for _ in range(16))


def github_token(rng: random.Random) -> str:
    return "ghp_" + "".join(rng.choice(string.ascii_letters + string.digits) for _ in range(36))


def jwt(rng: random.Random) -> str:
    def part(obj: dict[str, object]) -> str:
        return base64.urlsafe_b64encode(json.dumps(obj).encode()).decode().rstrip("=")

    sig = "".join(rng.choice(string.ascii_letters + string.digits + "-_") for _ in range(43))
    return (
        f"{part({'alg': 'HS256', 'typ': 'JWT'})}.{part({'sub': str(rng.randint(1, 99999))})}.{sig}"
    )


def password(rng: random.Random) -> str:
    return "".join(rng.choice(string.ascii_letters + string.digits + "!#%") for _ in range(12))


def private_key(rng: random.Random) -> str:
    body = "\n".join(
        "".join(rng.choice(string.ascii_letters + string.digits + "+/") for _ in range(64))
        for _ in range(4)
    )
    return f"-----BEGIN RSA PRIVATE KEY-----\n{body}\n-----END RSA PRIVATE KEY-----"


# --- obfuscations: each keeps the value recognisable to a person ----------------------------
ZWSP = "\u200b"


def fullwidth_digits(value: str) -> str:
    return "".join(chr(ord(c) - ord("0") + 0xFF10) if c.isdigit() else c for c in value)


def zero_width(value: str, rng: random.Random) -> str:
    cut = rng.randrange(1, len(value))
    return value[:cut] + ZWSP + value[cut:]


def homoglyph(value: str) -> str:
    return value.replace("a", "\u0430", 1).replace("o", "\u043e", 1).replace("e", "\u0435", 1)


def bullets(value: str) -> str:
    return value.replace(" ", "\u2022").replace("-", "\u2022")


def spaced_digits(value: str) -> str:
    return " ".join(c for c in value if c.isdigit())


def dotted_mac(value: str) -> str:
    """The Cisco style, three groups of four hex digits: 0a1b.2c3d.4e5f."""
    digits = value.replace(":", "").replace("-", "")
    return ".".join(digits[i : i + 4] for i in range(0, 12, 4))


def at_dot(value: str) -> str:
    local, domain = value.split("@", 1)
    return f"{local} [at] {domain.replace('.', ' [dot] ')}"
