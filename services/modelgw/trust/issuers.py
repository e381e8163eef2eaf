"""Which numbers are issued: payment cards (IIN ranges, lengths, Luhn, printed grouping) and
IBANs (the registry's length per country).

Read by the recognizers and by normalisation (`disguises`, `line_breaks`), which runs in the
gateway process: this module imports nothing heavy, where importing `recognizers` would load
Presidio and spaCy there.
"""

from __future__ import annotations

# (lowest prefix, highest prefix, card lengths): ISO/IEC 7812 ranges as the schemes publish them.
RANGES: tuple[tuple[int, int, frozenset[int]], ...] = (
    (4, 4, frozenset({13, 16, 19})),  # Visa (Electron inside)
    (51, 55, frozenset({16})),  # Mastercard
    (2221, 2720, frozenset({16})),  # Mastercard 2-series
    (34, 34, frozenset({15})),  # American Express
    (37, 37, frozenset({15})),
    (6011, 6011, frozenset({16, 17, 18, 19})),  # Discover
    (644, 649, frozenset({16, 17, 18, 19})),
    (65, 65, frozenset({16, 17, 18, 19})),
    (622126, 622925, frozenset({16, 17, 18, 19})),
    (35, 35, frozenset({16, 17, 18, 19})),  # JCB: 3528-3589, and the rest of 35 as generators
    # and test data write it (a Luhn-valid card-length number there is masked, not argued over)
    (2131, 2131, frozenset({15})),
    (1800, 1800, frozenset({15})),
    (300, 305, frozenset({14, 15, 16, 17, 18, 19})),  # Diners Club
    (3095, 3095, frozenset({14, 15, 16, 17, 18, 19})),
    (36, 36, frozenset({14, 15, 16, 17, 18, 19})),
    (38, 39, frozenset({14, 15, 16, 17, 18, 19})),
    (50, 50, frozenset(range(12, 20))),  # Maestro
    (56, 69, frozenset(range(12, 20))),
    (62, 62, frozenset({16, 17, 18, 19})),  # UnionPay
    (2200, 2204, frozenset({16, 17, 18, 19})),  # Mir
    (60, 60, frozenset({16})),  # RuPay
    (81, 82, frozenset({16})),
    (508, 508, frozenset({16})),
    (9792, 9792, frozenset({16})),  # Troy
)


def luhn_ok(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch) * (2 if i % 2 else 1)
        total += d - 9 if d > 9 else d
    return total % 10 == 0


def issued(digits: str) -> bool:
    """Whether a scheme issues this number: its range, its length, its check digit."""
    if not 12 <= len(digits) <= 19 or not (digits.isascii() and digits.isdigit()):
        return False
    for low, high, lengths in RANGES:
        width = len(str(low))
        if len(digits) in lengths and low <= int(digits[:width]) <= high:
            return luhn_ok(digits)
    return False


def printed_like_a_card(groups: list[str]) -> bool:
    """One run, groups as cards print them (all but the last of 4-6 digits), or groups of 2-7
    digits as a writer regroups them; the scheme's range, length and Luhn still decide."""
    if len(groups) == 1:
        return True
    if all(4 <= len(g) <= 6 for g in groups[:-1]) and 1 <= len(groups[-1]) <= 7:
        return True
    # Regrouped by a writer: `62 1935 21921 694 71`, `35893  3562  764  279  9`.
    return all(2 <= len(g) <= 7 for g in groups[:-1]) and 1 <= len(groups[-1]) <= 7


# ISO 13616 registry: the length of each country's IBAN.
LENGTHS = {
    "AD": 24, "AE": 23, "AL": 28, "AT": 20, "AZ": 28, "BA": 20, "BE": 16, "BG": 22, "BH": 22,
    "BI": 27, "BR": 29, "BY": 28, "CH": 21, "CR": 22, "CY": 28, "CZ": 24, "DE": 22, "DJ": 27,
    "DK": 18, "DO": 28, "EE": 20, "EG": 29, "ES": 24, "FI": 18, "FK": 18, "FO": 18, "FR": 27,
    "GB": 22, "GE": 22, "GI": 23, "GL": 18, "GR": 27, "GT": 28, "HN": 28, "HR": 21, "HU": 28,
    "IE": 22, "IL": 23, "IQ": 23, "IS": 26, "IT": 27, "JO": 30, "KW": 30, "KZ": 20, "LB": 28,
    "LC": 32, "LI": 21, "LT": 20, "LU": 20, "LV": 21, "LY": 25, "MC": 27, "MD": 24, "ME": 22,
    "MK": 19, "MN": 20, "MR": 27, "MT": 31, "MU": 30, "NI": 28, "NL": 18, "NO": 15, "OM": 23,
    "PK": 24, "PL": 28, "PS": 29, "PT": 25, "QA": 29, "RO": 24, "RS": 22, "RU": 33, "SA": 24,
    "SC": 31, "SD": 18, "SE": 24, "SI": 19, "SK": 24, "SM": 27, "SO": 23, "ST": 25, "SV": 28,
    "TL": 23, "TN": 24, "TR": 26, "UA": 29, "VA": 22, "VG": 24, "XK": 20, "YE": 30,
}  # fmt: skip


def mod97_ok(compact: str) -> bool:
    """ISO 13616's check of an IBAN (ASCII letters and digits only): the country code and
    check digits moved to the end, each letter read as 10-35, the number mod 97 is 1."""
    return int("".join(str(int(c, 36)) for c in compact[4:] + compact[:4])) % 97 == 1
