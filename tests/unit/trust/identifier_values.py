"""Valid structured identifiers built from their own rules, not taken from any data set.

Card numbers from every scheme's IIN range at every length it issues, with a
Luhn check digit; IBANs of every country in the ISO 13616 registry, with the
BBAN shape the registry gives and mod-97 check digits; IPv4 and IPv6 in their
textual forms; US SSNs the SSA could issue; e-mail addresses; and phone
numbers from libphonenumber's example for every region it knows, in each of
its formats, with and without an extension. The robustness sweep
(`identifier_variants`) disguises these; they must be valid so that a miss is
the detector's fault, not the value's.
"""

from __future__ import annotations

import ipaddress
import random
import re
import string
from dataclasses import dataclass

import phonenumbers
from phonenumbers import PhoneNumberFormat, PhoneNumberType


@dataclass(frozen=True, slots=True)
class Identifier:
    """A value as it is usually printed; `kind` names its table row, `form` how it is printed."""

    kind: str
    form: str
    text: str


# --- payment cards ---------------------------------------------------------------------------

# (scheme, IIN prefixes to draw from, lengths it issues): ISO/IEC 7812 ranges as published.
CARD_SCHEMES: tuple[tuple[str, tuple[str, ...], tuple[int, ...]], ...] = (
    ("visa", ("4",), (13, 16, 19)),
    ("mastercard", ("51", "53", "55"), (16,)),
    ("mastercard-2", ("2221", "2500", "2720"), (16,)),
    ("amex", ("34", "37"), (15,)),
    ("discover", ("6011", "644", "649", "65"), (16, 19)),
    ("jcb", ("3528", "3589"), (16, 19)),
    ("diners", ("300", "305", "36", "38"), (14, 16)),
    ("maestro", ("50", "56", "58", "63", "67"), (12, 13, 15, 16, 19)),
    ("unionpay", ("62",), (16, 17, 18, 19)),
    ("mir", ("2200", "2204"), (16,)),
    ("rupay", ("60", "81", "508"), (16,)),
    ("troy", ("9792",), (16,)),
)


def luhn_completed(body: str) -> str:
    """`body` with the check digit that makes it pass Luhn."""
    total = 0
    for i, ch in enumerate(reversed(body)):
        d = int(ch) * (1 if i % 2 else 2)
        total += d - 9 if d > 9 else d
    return body + str((10 - total % 10) % 10)


def _card_printed(digits: str, rng: random.Random) -> tuple[str, str]:
    if len(digits) == 15 and digits[:2] in {"34", "37"}:
        return "4-6-5", f"{digits[:4]} {digits[4:10]} {digits[10:]}"
    style = rng.choice(["fours", "fours-dash", "compact"])
    if style == "compact":
        return style, digits
    groups = [digits[i : i + 4] for i in range(0, len(digits), 4)]
    return style, (" " if style == "fours" else "-").join(groups)


def cards(rng: random.Random) -> list[Identifier]:
    out: list[Identifier] = []
    for scheme, prefixes, lengths in CARD_SCHEMES:
        for prefix in prefixes:
            for length in lengths:
                body = prefix + "".join(
                    rng.choice(string.digits) for _ in range(length - 1 - len(prefix))
                )
                style, printed = _card_printed(luhn_completed(body), rng)
                out.append(Identifier("card", f"{scheme}-{length} {style}", printed))
    return out


# --- IBANs -----------------------------------------------------------------------------------

# ISO 13616 registry: each country's BBAN as the registry writes it (n digits, a upper-case
# letters, c letters or digits).
IBAN_BBAN = {
    "AD": "4n4n12c", "AE": "3n16n", "AL": "8n16c", "AT": "5n11n", "AZ": "4a20c",
    "BA": "3n3n8n2n", "BE": "3n7n2n", "BG": "4a4n2n8c", "BH": "4a14c", "BI": "5n5n11n2n",
    "BR": "8n5n10n1a1c", "BY": "4c4n16c", "CH": "5n12c", "CR": "4n14n", "CY": "3n5n16c",
    "CZ": "4n6n10n", "DE": "8n10n", "DJ": "5n5n11n2n", "DK": "4n9n1n", "DO": "4c20n",
    "EE": "2n2n11n1n", "EG": "4n4n17n", "ES": "4n4n1n1n10n", "FI": "3n11n", "FK": "2a12n",
    "FO": "4n9n1n", "FR": "5n5n11c2n", "GB": "4a6n8n", "GE": "2a16n", "GI": "4a15c",
    "GL": "4n9n1n", "GR": "3n4n16c", "GT": "4c20c", "HN": "4a20n", "HR": "7n10n",
    "HU": "3n4n1n15n1n", "IE": "4a6n8n", "IL": "3n3n13n", "IQ": "4a3n12n", "IS": "4n2n6n10n",
    "IT": "1a5n5n12c", "JO": "4a4n18c", "KW": "4a22c", "KZ": "3n13c", "LB": "4n20c",
    "LC": "4a24c", "LI": "5n12c", "LT": "5n11n", "LU": "3n13c", "LV": "4a13c",
    "LY": "3n3n15n", "MC": "5n5n11c2n", "MD": "2c18c", "ME": "3n13n2n", "MK": "3n10c2n",
    "MN": "4n12n", "MR": "5n5n11n2n", "MT": "4a5n18c", "MU": "4a2n2n12n3n3a", "NI": "4a20n",
    "NL": "4a10n", "NO": "4n6n1n", "OM": "3n16c", "PK": "4a16c", "PL": "8n16n",
    "PS": "4a21c", "PT": "4n4n11n2n", "QA": "4a21c", "RO": "4a16c", "RS": "3n13n2n",
    "RU": "9n5n15c", "SA": "2n18c", "SC": "4a2n2n16n3a", "SD": "2n12n", "SE": "3n16n1n",
    "SI": "5n8n2n", "SK": "4n6n10n", "SM": "1a5n5n12c", "SO": "4n3n12n", "ST": "4n4n11n2n",
    "SV": "4a20n", "TL": "3n14n2n", "TN": "2n3n13n2n", "TR": "5n1n16c", "UA": "6n19c",
    "VA": "3n15n", "VG": "4a16n", "XK": "4n10n2n", "YE": "4a4n18c",
}  # fmt: skip

_ALPHABET = {
    "n": string.digits,
    "a": string.ascii_uppercase,
    "c": string.ascii_uppercase + string.digits,
}


def iban_check_digits(country: str, bban: str) -> str:
    rearranged = bban + country + "00"
    number = int("".join(str(int(c, 36)) for c in rearranged))
    return f"{98 - number % 97:02d}"


def iban_for(country: str, rng: random.Random) -> str:
    bban = "".join(
        rng.choice(_ALPHABET[kind])
        for count, kind in re.findall(r"(\d+)([nac])", IBAN_BBAN[country])
        for _ in range(int(count))
    )
    return country + iban_check_digits(country, bban) + bban


def ibans(rng: random.Random) -> list[Identifier]:
    out: list[Identifier] = []
    for country in sorted(IBAN_BBAN):
        compact = iban_for(country, rng)
        paper = " ".join(compact[i : i + 4] for i in range(0, len(compact), 4))
        out.append(Identifier("iban", "paper", paper))
        out.append(Identifier("iban", "electronic", compact))
    return out


# --- IP addresses ----------------------------------------------------------------------------


def _public_ipv4(rng: random.Random) -> ipaddress.IPv4Address:
    while True:
        address = ipaddress.IPv4Address(rng.getrandbits(32))
        if address.is_global and not address.is_multicast:
            return address


def ipv4s(rng: random.Random, count: int = 40) -> list[Identifier]:
    out = [Identifier("ipv4", "public", str(_public_ipv4(rng))) for _ in range(count)]
    out += [
        Identifier(
            "ipv4",
            "private",
            f"10.{rng.randrange(256)}.{rng.randrange(256)}.{rng.randrange(1, 255)}",
        ),
        Identifier("ipv4", "private", f"192.168.{rng.randrange(256)}.{rng.randrange(1, 255)}"),
        Identifier(
            "ipv4",
            "private",
            f"172.{rng.randrange(16, 32)}.{rng.randrange(256)}.{rng.randrange(1, 255)}",
        ),
    ]
    return out


def ipv6s(rng: random.Random, count: int = 10) -> list[Identifier]:
    out: list[Identifier] = []
    for _ in range(count):
        groups = [rng.getrandbits(16) for _ in range(8)]
        groups[0] = rng.choice([0x2001, 0x2A02, 0x2600, 0x2C0F, 0xFE80])
        zeros = rng.randrange(1, 4)
        at = rng.randrange(1, 8 - zeros)
        groups[at : at + zeros] = [0] * zeros
        address = ipaddress.IPv6Address(":".join(f"{g:x}" for g in groups))
        out.append(Identifier("ipv6", "compressed", address.compressed))
        out.append(Identifier("ipv6", "exploded", address.exploded))
        out.append(Identifier("ipv6", "upper", address.compressed.upper()))
    for _ in range(count // 2):
        v4 = _public_ipv4(rng)
        out.append(Identifier("ipv6", "v4-mapped", f"::ffff:{v4}"))
        out.append(
            Identifier(
                "ipv6", "zone", f"fe80::{rng.getrandbits(16):x}:{rng.getrandbits(16):x}%eth0"
            )
        )
        out.append(Identifier("ipv6", "short", f"2001:db8::{rng.getrandbits(16):x}"))
    return out


# --- US social security numbers --------------------------------------------------------------


def ssns(rng: random.Random, count: int = 40) -> list[Identifier]:
    out: list[Identifier] = []
    for i in range(count):
        area = rng.choice([a for a in range(1, 900) if a != 666])
        group, serial = rng.randrange(1, 100), rng.randrange(1, 10000)
        style = ("dashed", "dashed", "spaced", "compact")[i % 4]
        sep = {"dashed": "-", "spaced": " ", "compact": ""}[style]
        out.append(Identifier("ssn", style, f"{area:03d}{sep}{group:02d}{sep}{serial:04d}"))
    return out


# --- e-mail addresses ------------------------------------------------------------------------

_LOCAL_PARTS = (
    "anna.kowalska", "j.smith", "mike_obrien", "li.wei+billing", "rkumar84", "sofia-ramos",
    "t.nguyen2", "olek", "ingrid.haugen", "d.okafor", "marta.g", "pb1977",
)  # fmt: skip
_DOMAINS = (
    "example.com", "mail.example.co.uk", "firma-nord.de", "acme.io", "studio.consulting",
    "shop.online", "uni.example.edu.au", "empresa.com.br", "post.example.fr", "kanzlei.at",
    "team.example.org", "example.technology", "office.example.nl", "hq.example.net",
)  # fmt: skip


def emails(rng: random.Random) -> list[Identifier]:
    out: list[Identifier] = []
    for i, domain in enumerate(_DOMAINS):
        for local in rng.sample(_LOCAL_PARTS, 3):
            out.append(Identifier("email", domain.rsplit(".", 1)[1], f"{local}@{domain}"))
        if i % 3 == 0:
            out.append(Identifier("email", "upper", f"{rng.choice(_LOCAL_PARTS)}@{domain}".upper()))
    return out


# --- phone numbers ---------------------------------------------------------------------------

PHONE_FORMATS = {
    "E164": PhoneNumberFormat.E164,
    "INTERNATIONAL": PhoneNumberFormat.INTERNATIONAL,
    "NATIONAL": PhoneNumberFormat.NATIONAL,
}
EXTENSIONS = (
    " x{}",
    " ext. {}",
    ";ext={}",
    " ext {}",
    " extension {}",
    " Ext. {}",
    " x {}",
    " #{}",
)
"""How an extension follows a number; `;ext=` is RFC 3966's."""


def _with_extension(number: str, rng: random.Random) -> tuple[str, str]:
    style = rng.choice(EXTENSIONS)
    digits = "".join(rng.choice(string.digits) for _ in range(rng.randrange(2, 6)))
    return style.strip().split(" ")[0].rstrip("{}="), number + style.format(digits)


def phones(rng: random.Random) -> list[Identifier]:
    """Every region's example fixed-line and mobile number, in E164, international and national
    format, once without an extension and once with one."""
    out: list[Identifier] = []
    for region in sorted(phonenumbers.SUPPORTED_REGIONS):
        for kind in (PhoneNumberType.FIXED_LINE, PhoneNumberType.MOBILE):
            example = phonenumbers.example_number_for_type(region, kind)
            if example is None:
                continue
            for name, fmt in PHONE_FORMATS.items():
                printed = phonenumbers.format_number(example, fmt)
                out.append(Identifier("phone", f"{name}", printed))
                style, extended = _with_extension(printed, rng)
                out.append(Identifier("phone", f"{name}+ext{style}", extended))
    for code in sorted(phonenumbers.COUNTRY_CODES_FOR_NON_GEO_REGIONS):
        example = phonenumbers.example_number_for_non_geo_entity(code)
        if example is not None:
            printed = phonenumbers.format_number(example, PhoneNumberFormat.INTERNATIONAL)
            out.append(Identifier("phone", "INTERNATIONAL non-geo", printed))
    return out


def all_identifiers(seed: int = 13) -> dict[str, list[Identifier]]:
    rng = random.Random(seed)
    return {
        "card": cards(rng),
        "iban": ibans(rng),
        "ipv4": ipv4s(rng),
        "ipv6": ipv6s(rng),
        "ssn": ssns(rng),
        "email": emails(rng),
        "phone": phones(rng),
    }
