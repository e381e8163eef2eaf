# ruff: noqa: RUF001  (look-alike characters are the point of this module)
"""The ways people write an identifier so a reader sees it and a pattern does not, undone.

Each rule is a pattern and what its match stands for: `john dot smith at
example dot com` is `john.smith@example.com`, `D E 8 9 3 7 ...` is `DE8937...`,
`five five five, one two three, ...` is `555-123-...`. `normalise` applies them
to its detection copy and keeps the map back to the original characters, so
the placeholder replaces exactly what the writer typed.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable

from modelgw.trust.caseless import CaselessPattern
from modelgw.trust.issuers import issued

DIGIT_LOOK_ALIKES = {
    # Cyrillic and Greek letters drawn like digits; only read as digits beside real ones.
    "О": "0",
    "о": "0",
    "Ο": "0",
    "ο": "0",
    "З": "3",
    "з": "3",
    "Ӡ": "3",
    "І": "1",
    "і": "1",
    "Ӏ": "1",
    "ӏ": "1",
    "Ι": "1",
    "б": "6",
    "Б": "6",
    "Ч": "4",
    "Ь": "6",
    "Ƽ": "5",
    "ƽ": "5",
}

LATIN_DIGIT_LOOK_ALIKES = {"l": "1", "I": "1", "O": "0", "o": "0"}
"""Latin letters typed for digits; read as digits only inside a run of digits (see `normalise`)."""

_DIGIT_WORDS = {
    "zero": "0",
    "oh": "0",
    "one": "1",
    "two": "2",
    "three": "3",
    "four": "4",
    "five": "5",
    "six": "6",
    "seven": "7",
    "eight": "8",
    "nine": "9",
}
_DIGIT_NAMES = "|".join(_DIGIT_WORDS)
"""`zero|oh|one|...|nine`: the digit words of every pattern below."""
_DIGIT_WORD = rf"(?:(?:double|triple)[ \t\-]+)?(?:{_DIGIT_NAMES})"
_SPELLED_GAP = r"(?:[ \t]*[,;.\-][ \t]*|[ \t]+(?:dot|point)[ \t]+|[ \t]+)"
SPELLED_DIGITS = re.compile(
    rf"(?i)(?<![\w-])(?:plus[ \t\-]+)?{_DIGIT_WORD}(?:{_SPELLED_GAP}{_DIGIT_WORD}){{3,}}(?![\w-])"
)
"""Digits written as words, `double five` and `triple oh` too; a run of fewer than seven digits
is left as it is (how many, not an identifier). `plus` before them is a phone number's `+`;
`dot` between them an IP address's dot (`one nine two dot one six eight dot ...`)."""
MIN_SPELLED_DIGITS = 7

_TLD = (
    r"(?:com|org|net|edu|gov|mil|int|info|biz|io|co|me|app|dev|eu|uk|us|ca|au|nz|ie|de|at|ch"
    r"|fr|be|nl|lu|es|pt|it|pl|cz|sk|hu|ro|bg|gr|se|no|dk|fi|is|ee|lv|lt|br|mx|ar|cl|jp|cn"
    r"|in|ru|ua|tr|za|sg|hk)"
)
_SECOND_LEVEL = (
    r"(?:(?:com|co|org|net|edu|gov|ac){dot}"
    r"(?:uk|au|nz|za|ng|ke|gh|br|mx|ar|pe|tr|cn|jp|kr|tw|hk|sg|ph|pk|eg|sa|ua|il|th|vn))"
)
"""`example.com.ng`, `example.co.uk`: a country's second-level domain, spaced or worded like the
rest; its countries are ones whose code is no English word (`com. it was` ends a sentence)."""
_WORD_DOT = r"[ \t]+(?:dot|\(dot\)|\[dot\])[ \t]+"
_WORDED_SECOND_LEVEL = _SECOND_LEVEL.format(dot=rf"(?:{_WORD_DOT}|\.)")
_SPACED_SECOND_LEVEL = _SECOND_LEVEL.format(dot=r"[ \t]*\.[ \t]*")
WORDED_EMAIL = re.compile(
    rf"(?i)(?<![\w.@+-])(?P<local>[\w+-]+(?:(?:{_WORD_DOT}|[._])[\w+-]+)*)"
    rf"[ \t]+(?:at|\(at\)|\[at\])[ \t]+"
    rf"(?P<domain>[\w-]+(?:(?:{_WORD_DOT}|\.)[\w-]+)*(?:{_WORD_DOT}|\.)"
    rf"(?:{_WORDED_SECOND_LEVEL}|{_TLD}|(?P<tld>[A-Za-z]{{2,24}})))(?![\w-]|\.\w)"
)
"""`john dot smith at example dot com`, `kpalma AT example DOT com`: the domain must end in a
known top-level domain, and `at` must join two parts with no space inside them."""
SPACED_EMAIL = re.compile(
    r"(?<![\w.@+-])[\w+-]+(?:[ \t]*\.[ \t]*[\w+-]+)*[ \t]*@[ \t]*[\w-]+(?:[ \t]*\.[ \t]*[\w-]+)*"
    rf"[ \t]*\.[ \t]*(?:{_SPACED_SECOND_LEVEL}|{_TLD}|(?P<tld>[A-Za-z]{{2,24}}))(?![\w-]|\.\w)",
    re.IGNORECASE,
)
"""`a . b @ c . com`, `tbelpere @ hotmail . com`: spaces around the `@` and the dots."""
SPACED_CHARACTERS = re.compile(
    r"(?<![^\s(\[\"'])[\w@.+:(](?:(?: | ?- ?)[\w@.+:()]){7,}(?![^\s.,;:!?)\]\"'])"
)
"""`D E 8 9 3 7 ...`, `4 1 1 1 - 1 1 1 1 ...`, `j o h n @ ...`, `f e 8 0 : : 1`, `( 1 1 ) 4 4
5 5 ...`: one character at a time."""
SPACED_WORDS = re.compile(
    r"(?<!\S)[^\W\d_](?: [^\W\d_]){2,}(?:  [^\W\d_](?: [^\W\d_]){1,})+(?![^\s.,;:!?)])"
)
"""`I l a r i a  C a r u s o`: a name typed a letter at a time, words two spaces apart."""
_IP_DOT = r"(?:[ \t]*\.[ \t]*|[ \t]+(?:dot|DOT|Dot)[ \t]+)"
SPACED_IPV4 = re.compile(
    rf"(?<![\w.])(?:\d{{1,3}}{_IP_DOT}){{3}}\d{{1,3}}(?![\w]|[ \t]*\.[ \t]*\d)"
)
"""`10 . 12 . 0 . 7`, `10 dot 12 dot 0 dot 7`: an IPv4 address with its dots spaced or worded."""
ODD_DIGIT_SEPARATOR = re.compile(r"(?<=\d)[_•·∙⋅/\\|*~]+(?=\d)")
"""Digit groups joined by separators that pattern recognizers do not expect."""
BRACKETED_AT = re.compile(r"\s*[\[\(\{<]\s*(?i:at|@)\s*[\]\)\}>]\s*")
BRACKETED_DOT = re.compile(r"\s*[\[\(\{<]\s*(?i:dot|\.)\s*[\]\)\}>]\s*")
"""`[at]`, `(dot)`, and the defanged `[@]`, `[.]` of threat reports (`10[.]0[.]0[.]1`)."""
BRACKETED_COLON = re.compile(r"(?<=[0-9A-Fa-f\]])\[:\](?=[0-9A-Fa-f\[])")
"""The defanged IPv6 address: `2001[:]db8[:][:]1`."""

NEEDS_WORK = CaselessPattern(
    r"[\[\(\{<]\s*(?:at|dot|@|\.)\s*[\]\)\}>]|\[:\]|\d[_•·/\\|*~]+\d"
    r"|(?<!\S)\w (?:- ?)?\w (?:- ?)?\w "
    r"|[ \t]@|@[ \t]|[ \t](?:at|dot)[ \t]"
    rf"|(?:{_DIGIT_NAMES}|double|triple)[ \t,;.\-]+(?:{_DIGIT_NAMES}|double|triple)\b"
    r"|[\w@.\-):+=;,#]\r?\n|\d[ \t]+\.[ \t]*\d|\d[ \t]*\.[ \t]+\d|\w[.\-]\w[.\-]\w[.\-]\w[.\-]\w",
)
"""A cheap test that some rule may apply: plain text without it is read as it is (case-
insensitive, scanned lower-cased on an ASCII text: see `caseless`)."""


_SPELLED_PIECE = re.compile(
    rf"(?i)(?:(double|triple)[ \t\-]+)?({_DIGIT_NAMES})"
    r"|(\b(?:dot|point)\b)|([ \t]*[,;.][ \t]*|[ \t]+-[ \t]+)"
)
"""A digit word (`double` or `triple` before it repeats it), a worded dot, or a group's end: a
comma, a semicolon, a full stop or a spaced dash. A hyphen between two words (`three-five`)
and a space only join the words of one group."""


def _spelled(match: re.Match[str]) -> str:
    out: list[str] = []
    value = match.group(0)
    plus = value[:4].lower() == "plus"
    digits = 0
    pieces = list(_SPELLED_PIECE.finditer(value, 4 if plus else 0))
    dotted = any(p.group(3) for p in pieces)  # an IP address: its dots are its only groups
    for piece in pieces:
        repeat, word, dot = piece.group(1), piece.group(2), piece.group(3)
        if word is None:
            if dot or not dotted:
                out.append("." if dot else "-")
            continue
        times = {"double": 2, "triple": 3}.get((repeat or "").lower(), 1)
        out.append(_DIGIT_WORDS[word.lower()] * times)
        digits += times
    if digits < MIN_SPELLED_DIGITS:
        return value  # `one or two`, `three, four, five`: counting, not a number
    number = re.sub(r"-+", "-", "".join(out)).strip("-")
    if not plus and issued(number.replace("-", "")):
        # A card read out pauses where the speaker breathes (`... nine three, eight four seven
        # five`), not where the card prints its groups: its digits are the value.
        return number.replace("-", "")
    return ("+" if plus else "") + number


@functools.lru_cache(maxsize=4096)
def top_level_domain(word: str) -> bool:
    """Whether `word` is a top-level domain in the public suffix list bundled with the package
    (`online`, `technology`, `museum`): e-mails live under every one, not only the common.

    `tldextract` (and the `requests` it imports) is loaded on the first call: the gateway
    process normalises every prompt but rarely meets a worded e-mail, and importing it there
    at start cost ~5 MiB of its resident memory (issue 19's RSS target)."""
    import tldextract

    from modelgw.trust.offline import use_bundled_suffix_list

    use_bundled_suffix_list()
    return tldextract.extract(f"example.{word}").suffix.lower() == word.lower()


def _known_tld(match: re.Match[str]) -> bool:
    return match.group("tld") is None or top_level_domain(match.group("tld"))


def _without_last_label(match: re.Match[str], rewrite: Callable[[re.Match[str]], str]) -> str:
    """The match with an unknown last label left out, if what stays is still a value
    (`tbelpere @ hotmail . com. ok`: `ok` is the next sentence, not the domain's end)."""
    value = match.group(0)
    cut = re.search(r"(?i)(?:[ \t]*\.[ \t]*|[ \t]+(?:dot|\(dot\)|\[dot\])[ \t]+)[A-Za-z]+$", value)
    shorter = match.re.fullmatch(value[: cut.start()]) if cut else None
    if cut is None or shorter is None:
        return value
    return rewrite(shorter) + value[cut.start() :]


def _worded_email(match: re.Match[str]) -> str:
    if not _known_tld(match):
        return _without_last_label(match, _worded_email)
    worded = re.search(rf"(?i){_WORD_DOT}|\(at\)|\[at\]", match.group(0)) or re.search(
        r"[ \t](?:AT|aT)[ \t]", match.group(0)
    )  # `AT` or `aT` between two words is no preposition
    if not worded and not re.search(r"[._\d+-]", match.group("local")):
        return match.group(0)  # `look at example.com`: prose about a site, not an address
    local = re.sub(rf"(?i){_WORD_DOT}", ".", match.group("local"))
    domain = re.sub(rf"(?i){_WORD_DOT}", ".", match.group("domain"))
    return f"{local}@{domain}"


def _no_spaces(match: re.Match[str]) -> str:
    if not _known_tld(match):
        return _without_last_label(match, _no_spaces)
    return re.sub(r"[ \t]+", "", match.group(0))


def _spaced_ipv4(match: re.Match[str]) -> str:
    octets = re.split(_IP_DOT, match.group(0))
    before = match.string[max(0, match.start() - 8) : match.start()]
    if not all(int(o) <= 255 for o in octets) or re.search(rf"\d{_IP_DOT}$", before):
        return match.group(0)
    return ".".join(octets)


def _spaced_words(match: re.Match[str]) -> str:
    return " ".join(w.replace(" ", "") for w in match.group(0).split("  "))


def _spaced_characters(match: re.Match[str]) -> str:
    value = match.group(0)
    characters = re.sub(r"[ \t]", "", value)
    digits = sum(c.isdigit() for c in characters)
    if digits < 5 and "@" not in characters and characters.count(":") < 2:
        return value  # `a b c d e f g h`: letters apart for emphasis, not an identifier
    return characters


Rewrite = tuple[re.Pattern[str], Callable[[re.Match[str]], str]]

REWRITES: tuple[Rewrite, ...] = (
    (SPELLED_DIGITS, _spelled),
    (BRACKETED_AT, lambda m: "@"),
    (BRACKETED_DOT, lambda m: "."),
    (BRACKETED_COLON, lambda m: ":"),
    (WORDED_EMAIL, _worded_email),
    (SPACED_EMAIL, _no_spaces),
    (SPACED_IPV4, _spaced_ipv4),
    (SPACED_WORDS, _spaced_words),
    (SPACED_CHARACTERS, _spaced_characters),
    (ODD_DIGIT_SEPARATOR, lambda m: "-"),
)
"""In order: each reads what the ones before it wrote."""

RETRY_INSIDE = frozenset([WORDED_EMAIL])
"""Rewrites whose match, where it changes nothing, may hide a value that begins at one of its
later words: the search goes on from there, not from its end (`write to me at i DOT yilmaz AT
hotmail DOT com`). Only these: for the others it would search a long text once a word."""

REWRITE_NEEDS: dict[re.Pattern[str], re.Pattern[str] | CaselessPattern] = {
    SPELLED_DIGITS: CaselessPattern(
        rf"(?:{_DIGIT_NAMES}){_SPELLED_GAP}(?:(?:double|triple)[ \t\-]+)?(?:{_DIGIT_NAMES})"
    ),
    BRACKETED_AT: re.compile(r"[\[\(\{<]"),
    BRACKETED_DOT: re.compile(r"[\[\(\{<]"),
    BRACKETED_COLON: re.compile(r"\[:\]"),
    WORDED_EMAIL: re.compile(
        rf"(?i)[ \t](?:at|\(at\)|\[at\])[ \t]+[\w-]+(?:(?:{_WORD_DOT}|\.)[\w-]+)*"
        rf"(?:{_WORD_DOT}|\.)[A-Za-z]"
    ),
    SPACED_EMAIL: re.compile("@"),
    SPACED_WORDS: re.compile("  "),
    ODD_DIGIT_SEPARATOR: re.compile(r"[_•·∙⋅/\\|*~]"),
}
"""What every match of a rewrite holds, looked for first: for `SPELLED_DIGITS` two digit
words one gap apart (its first two), for `WORDED_EMAIL` ` at ` and the whole domain up to
the first letter of its last label (a letter: `at 10.0.0.7` is no domain), for
`ODD_DIGIT_SEPARATOR` one of its separators. Prose says `at` often, so most texts take
`normalise`'s slow path and then have no match; these cost a fraction of the patterns they
spare (together ~0.15 ms of a 1 KB message's 0.5 ms of normalising)."""
