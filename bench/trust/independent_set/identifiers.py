"""Structured identifiers that pass the checks their issuers define, drawn without Faker.

Every value here is valid by the rule a validator would apply (Luhn for cards,
ISO 13616 mod-97 for IBANs, the SSA's area/group/serial rules for SSNs,
libphonenumber's national plans for phones), so a detector that validates
before masking is not excused by a malformed value. The negatives module
draws the look-alikes that fail these same checks.
"""

from __future__ import annotations

import random
import string

import phonenumbers
from phonenumbers import PhoneNumberFormat, PhoneNumberType

# --- cards -----------------------------------------------------------------------------------

CARD_SCHEMES: dict[str, tuple[tuple[str, ...], tuple[int, ...]]] = {
    # scheme: (IIN prefixes, lengths); prefixes as the issuers publish their ranges
    "visa": (("4",), (16, 16, 16, 13, 19)),
    "mastercard": (("51", "52", "53", "54", "55"), (16,)),
    "mastercard-2series": (
        tuple(str(n) for n in (2221, 2299, 2320, 2410, 2567, 2630, 2703, 2720)),
        (16,),
    ),
    "amex": (("34", "37"), (15,)),
    "discover": (("6011", "644", "645", "649", "65"), (16, 19)),
    "jcb": (("3528", "3541", "3566", "3589"), (16, 19)),
    "diners": (("300", "305", "36", "38"), (14,)),
    "maestro": (("5018", "5020", "5038", "5893", "6304", "6759", "6761", "6763"), (12, 16, 19)),
    "unionpay": (("62",), (16, 17, 18, 19)),
    "rupay": (("6521", "6522", "508", "607"), (16,)),
    "elo": (("636368", "438935", "504175", "451416", "636297", "5067"), (16,)),
    "troy": (("9792",), (16,)),
    "mir": (("2200", "2201", "2202", "2204"), (16,)),
    "verve": (("506099", "506150", "650002", "650027"), (16, 19)),
}


def luhn_check_digit(body: str) -> str:
    total = 0
    for i, ch in enumerate(reversed(body)):
        d = int(ch)
        if i % 2 == 0:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return str((10 - total % 10) % 10)


def luhn_valid(number: str) -> bool:
    return luhn_check_digit(number[:-1]) == number[-1]


def card_digits(rng: random.Random, scheme: str) -> str:
    prefixes, lengths = CARD_SCHEMES[scheme]
    prefix, length = rng.choice(prefixes), rng.choice(lengths)
    body = prefix + "".join(rng.choice(string.digits) for _ in range(length - len(prefix) - 1))
    return body + luhn_check_digit(body)


def group_card(digits: str, sep: str) -> str:
    """The grouping printed on cards: 4-6-5 (Amex), 4-6-4 (Diners), else fours."""
    if len(digits) == 15 or len(digits) == 14:
        parts = [digits[:4], digits[4:10], digits[10:]]
    else:
        parts = [digits[i : i + 4] for i in range(0, len(digits), 4)]
    return sep.join(parts)


def card(rng: random.Random, scheme: str | None = None) -> str:
    scheme = scheme or rng.choice(list(CARD_SCHEMES))
    digits = card_digits(rng, scheme)
    return group_card(digits, rng.choice([" ", " ", "-", ""]))


# --- IBAN ------------------------------------------------------------------------------------

IBAN_BBAN: dict[str, str] = {
    # ISO 13616 registry structure: n digits, a upper letters, c alphanumerics
    "DE": "8n10n",
    "GB": "4a6n8n",
    "ES": "4n4n2n10n",
    "FR": "5n5n11n2n",
    "IT": "1a5n5n12c",
    "PL": "8n16n",
    "TR": "5n1n16c",
    "BR": "8n5n10n1a1c",
    "NL": "4a10n",
    "IS": "4n2n6n10n",
    "CZ": "4n6n10n",
    "HU": "3n4n1n15n1n",
    "PT": "4n4n11n2n",
    "AT": "5n11n",
    "CH": "5n12c",
    "BE": "3n7n2n",
    "SE": "3n16n1n",
    "IE": "4a6n8n",
    "SA": "2n18c",
    "AE": "3n16n",
    "NO": "4n6n1n",
}
BANK_CODES_4A = ("NWBK", "BARC", "LOYD", "MIDL", "ABNA", "RABO", "INGB", "AIBK", "BOFI", "TRIO")


def _bban(rng: random.Random, country: str) -> str:
    spec, out, i = IBAN_BBAN[country], [], 0
    while i < len(spec):
        j = i
        while spec[j].isdigit():
            j += 1
        count, kind = int(spec[i:j]), spec[j]
        if kind == "n":
            out.append("".join(rng.choice(string.digits) for _ in range(count)))
        elif kind == "a" and count == 4:
            out.append(rng.choice(BANK_CODES_4A))
        elif kind == "a":
            out.append("".join(rng.choice(string.ascii_uppercase) for _ in range(count)))
        else:
            alnum = string.digits * 3 + string.ascii_uppercase
            out.append("".join(rng.choice(alnum) for _ in range(count)))
        i = j + 1
    return "".join(out)


def _as_number(s: str) -> int:
    return int("".join(str(int(ch, 36)) for ch in s))


def iban_check_digits(country: str, bban: str) -> str:
    return f"{98 - _as_number(bban + country + '00') % 97:02d}"


def iban_valid(iban: str) -> bool:
    compact = iban.replace(" ", "").upper()
    return _as_number(compact[4:] + compact[:4]) % 97 == 1


def iban_compact(rng: random.Random, country: str) -> str:
    bban = _bban(rng, country)
    return country + iban_check_digits(country, bban) + bban


def print_iban(compact: str) -> str:
    """The paper format: groups of four."""
    return " ".join(compact[i : i + 4] for i in range(0, len(compact), 4))


def iban(rng: random.Random, country: str) -> str:
    compact = iban_compact(rng, country)
    return print_iban(compact) if rng.random() < 0.6 else compact


# --- US SSN ----------------------------------------------------------------------------------


def ssn(rng: random.Random, sep: str | None = None) -> str:
    """Area 001-899 but not 666, group 01-99, serial 0001-9999 (SSA rules since 2011)."""
    area = rng.choice([a for a in range(1, 900) if a != 666])
    group, serial = rng.randint(1, 99), rng.randint(1, 9999)
    sep = rng.choice(["-", "-", "-", " ", ""]) if sep is None else sep
    return f"{area:03d}{sep}{group:02d}{sep}{serial:04d}"


# --- IP addresses ----------------------------------------------------------------------------


def ipv4(rng: random.Random) -> str:
    kind = rng.random()
    if kind < 0.15:
        return f"10.{rng.randint(0, 255)}.{rng.randint(0, 255)}.{rng.randint(1, 254)}"
    if kind < 0.25:
        return f"192.168.{rng.randint(0, 255)}.{rng.randint(1, 254)}"
    first = rng.choice([a for a in range(1, 224) if a not in (10, 127, 169, 172, 192)])
    return f"{first}.{rng.randint(0, 255)}.{rng.randint(0, 255)}.{rng.randint(1, 254)}"


def ipv6(rng: random.Random) -> str:
    prefix = rng.choice(["2a02", "2a01", "2600", "2001", "2804", "2405", "2c0f", "2406", "2a00"])
    groups = [prefix] + [f"{rng.randint(0, 0xFFFF):x}" for _ in range(7)]
    form = rng.random()
    if form < 0.45:  # compressed run of zeros in the middle
        keep = rng.randint(2, 4)
        return ":".join(groups[:keep]) + "::" + ":".join(groups[-rng.randint(1, 3) :])
    if form < 0.6:
        return "fe80::" + ":".join(groups[-4:]) if rng.random() < 0.5 else ":".join(groups)
    if form < 0.7:
        return "::ffff:" + ipv4(rng)
    return ":".join(groups)


# --- phones ----------------------------------------------------------------------------------


def _valid_variant(rng: random.Random, region: str, kind: int) -> phonenumbers.PhoneNumber:
    """Vary an ITU-plan example number's subscriber digits until the plan accepts it."""
    example = phonenumbers.example_number_for_type(region, kind)
    assert example is not None, (region, kind)
    nsn = phonenumbers.national_significant_number(example)
    accepted = {kind, PhoneNumberType.FIXED_LINE_OR_MOBILE}
    for _ in range(500):
        keep = rng.randint(1, min(4, len(nsn) - 4))
        digits = nsn[:keep] + "".join(rng.choice(string.digits) for _ in nsn[keep:])
        try:
            candidate = phonenumbers.parse("+" + str(example.country_code) + digits, None)
        except phonenumbers.NumberParseException:
            continue
        if (
            phonenumbers.national_significant_number(candidate) == digits
            and phonenumbers.is_valid_number_for_region(candidate, region)
            and phonenumbers.number_type(candidate) in accepted
            and digits != nsn
        ):
            return candidate
    raise AssertionError(f"no valid variant of the {region} example number")


def phone(rng: random.Random, region: str, with_extension: bool = False) -> str:
    kind = PhoneNumberType.MOBILE if rng.random() < 0.6 else PhoneNumberType.FIXED_LINE
    number = _valid_variant(rng, region, kind)
    style = rng.random()
    if style < 0.35:
        text = phonenumbers.format_number(number, PhoneNumberFormat.INTERNATIONAL)
    elif style < 0.7:
        text = phonenumbers.format_number(number, PhoneNumberFormat.NATIONAL)
    elif style < 0.8:
        text = phonenumbers.format_number(number, PhoneNumberFormat.E164)
    elif style < 0.9:  # separators rewritten the way people type them
        intl = phonenumbers.format_number(number, PhoneNumberFormat.INTERNATIONAL)
        text = intl.replace("-", " ").replace(" ", rng.choice([".", "-", " "]))
        text = text.replace(f"+{number.country_code}.", f"+{number.country_code} ")
    else:  # 00 instead of +
        intl = phonenumbers.format_number(number, PhoneNumberFormat.INTERNATIONAL)
        text = "00" + intl[1:]
    if with_extension:
        ext = str(rng.randint(10, 9999))
        text += rng.choice([f" x{ext}", f" ext. {ext}", f" ext {ext}", f", ext. {ext}", f"#{ext}"])
    return text


def phone_valid(text: str, region: str) -> bool:
    try:
        parsed = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        return False
    return bool(phonenumbers.is_valid_number(parsed))
