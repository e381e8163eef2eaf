"""Values broken over two lines by a mail client, a form field or a person, joined again.

A line break inside `khammond@coo\\nke.org` or `PL89 9106 ... 1444\\n3967`
defeats every pattern. Removing all line breaks would glue the lines of an
address block (`Main St 5\\n12345 Berlin`), so a break is undone only where
the joined text holds a valid value across it that the broken text does not:
an e-mail, a card number (Luhn), an IBAN (mod 97), an SSN, an IP address or
a long phone number. It becomes nothing (`coo` + `ke.org`) or a space (the
break stood where a group ended), whichever makes the value.
"""

from __future__ import annotations

import ipaddress
import re

from modelgw.trust.disguises import top_level_domain
from modelgw.trust.issuers import LENGTHS, issued, luhn_ok, mod97_ok

_CANDIDATE = re.compile(r"(?<=[\w@.+\-():=])[ \t]*\r?\n[ \t]*(?=[\w@.+\-():;#])")
_WINDOW = 48
_EMAIL = re.compile(r"[\w+-][\w.+-]*@[\w-]+(?:\.[\w-]+)*\.[A-Za-z]{2,24}")
_DIGIT_RUN = re.compile(r"\d(?:[ \-.]?\d){11,18}")
_IBAN = re.compile(r"[A-Za-z]{2}\d{2}(?:[ \-]?[A-Za-z0-9]){11,30}")
_SSN = re.compile(r"(?<!\d)\d{3}-\d{2}-\d{4}(?!\d)")
_IPV4 = re.compile(r"(?<![\d.])(?:\d{1,3}\.){3}\d{1,3}(?!\d|\.\d)")  # `1.2.3.4.` ends a sentence
_IPV6 = re.compile(
    r"(?<![\w:])(?:[0-9A-Fa-f]{0,4}:){2,7}(?:\d{1,3}(?:\.\d{1,3}){3}|[0-9A-Fa-f]{0,4})(?![\w:])"
)
"""With an IPv4 tail too (`::ffff:192.0.2.7`)."""
_NUMBERED_LINE_END = re.compile(r"[^\W\d_]{2,}\.?,?[ \t]+\d{1,6}$")
_HOUSE_LINE = re.compile(r"\d{1,5}[A-Za-z]?,[ \t]*[^\W\d_a-z][^\W\d_]")
"""A line that starts with a house number, a comma and the street's capitalised first word
(`4567, the old one is gone` is a number's end and prose)."""
_STREET_LINE = re.compile(
    r"(?:\d{1,6}[A-Za-z]?|\d{1,2}-\d{1,2}-\d{1,4})[ \t]+"
    r"(?!(?i:x|ext|extn|extension)\b)[^\W\d_a-z][^\W\d_]"
)
"""A line that starts with a house number (or a Japanese block's) and a capitalised word:
under a line that ends in a whole phone number, the first line of an address (`37472 Cedar
Hollow Lane`, `1-18-9 Chūō Grand Palace 744`), not the number's end (`89 Ext. 86789`)."""
_POSTCODE_LINE = re.compile(r"\d{3,6}(?:-\d{3,4})?[ \t]+[^\W\d_]{2,}")
"""A line that starts with a postcode and a town (`61830 Valley`, `65578-188 Serra do Mel`)."""
_POSTAL_MARK_END = re.compile(r"〒[ \t]?\d{3}-?\d{4}[ \t]*$")
"""Japan's postal mark and postcode ending a line: a whole value, whatever the next line holds."""
_PHONE = re.compile(r"(?<![\w+])\+?\(?\d[\d ().\-]{8,18}\d(?!\d)")
_CUED_NUMBER = re.compile(
    r"(?i)\b(?:phone|tel|call|called|mobile|cell|fax|ring|dial|whatsapp|text|on|at|from|line"
    r"|number)\.?:?(?:[ \t]+is)?[ \t]+(?P<number>\(?\+?\(?(?:\d[\d ().\-]*)?)$"
)
"""A number that a phone word introduces and the line break cuts: `Call me on 727` + `047 678`,
`Phone: +` + `5016221234`."""
_EXTENSION_START = re.compile(
    r"(?i)[ \t]*[;,]?[ \t]*(?:x|ext|extn|extension|\#)(?:[ \t]*[.:=])?[ \t]*\d{1,6}\b"
)
_EXTENSION_END = re.compile(r"(?i)(?:x|ext|extn|extension|\#)(?:[ \t]*[.:=])?[ \t]*$")
_PHONE_END = re.compile(r"\+?\(?\d[\d ().\-]{5,18}\d$")
_NUMBER_START = re.compile(r"[\d ().\-]*\d")
_YEAR_IN_PROSE = re.compile(r"(?:19|20)\d\d[ \t]+[^\W\d_]")


def _iban_ok(value: str) -> bool:
    """Mod 97 at the length its country's registry gives: a run of words and digits passes
    mod 97 one time in 97 (`poppy1987 at sky dot com` + `Phone: 0 7 2 ...`), the length too
    far more rarely."""
    compact = re.sub(r"[ \-]", "", value).upper()
    if LENGTHS.get(compact[:2]) != len(compact):
        return False
    return mod97_ok(compact)


def _ip_ok(value: str) -> bool:
    try:
        ipaddress.ip_address(value)
    except ValueError:
        return False
    return True


def _values(text: str, *, phones: bool = True) -> set[tuple[int, int]]:
    """Spans of valid values in `text` (only what a broken line can hide)."""
    found: set[tuple[int, int]] = set()
    found.update(m.span() for m in _EMAIL.finditer(text) if _tld_ok(m.group(0)))
    for m in _DIGIT_RUN.finditer(text):
        if luhn_ok(re.sub(r"\D", "", m.group(0))):
            found.add(m.span())
    for m in _IBAN.finditer(text):
        for end in range(m.end(), m.start() + 14, -1):
            if _iban_ok(text[m.start() : end]):
                found.add((m.start(), end))
                break
    found.update(m.span() for m in _SSN.finditer(text))
    found.update(m.span() for p in (_IPV4, _IPV6) for m in p.finditer(text) if _ip_ok(m.group(0)))
    for m in _PHONE.finditer(text) if phones else ():
        if 10 <= sum(c.isdigit() for c in m.group(0)) <= 15:
            found.add(m.span())
    return found


def _unissued_run(value: str) -> bool:
    """A run of digits that passes Luhn but is no card a scheme issues."""
    return _DIGIT_RUN.fullmatch(value) is not None and not issued(re.sub(r"\D", "", value))


def _tld_ok(email: str) -> bool:
    """`x@example.com` + `Subject` glued read `example.comSubject`: no domain ends so."""
    return top_level_domain(email.rsplit(".", 1)[1])


def _glued_across(left: str, right: str) -> bool:
    """A break with no space around it, inside an e-mail or IP address that holds only across
    it (`o` + `lek@example.com`, `192.168.1.1` + `51`, `fe` + `80::1`): a side that already
    reads as a whole value is a fragment of the longer one, not a value of its own."""
    joined = left + right
    fragment = re.search(r"[\w@.+\-:]*$", left)
    rest = re.match(r"[\w@.+\-:]*", right)
    assert fragment is not None and rest is not None
    tail = fragment.start() + len(fragment.group(0)) - len(fragment.group(0).lstrip(".-:"))
    head = len(left) + len(rest.group(0).rstrip(".-:"))
    spans = [m.span() for p in (_EMAIL, _IPV4, _IPV6) for m in p.finditer(joined)]
    return any(
        s <= tail and e >= head and s < len(left) < e and _whole(joined[s:e], left, right)
        for s, e in spans
    )


def _whole(value: str, left: str, right: str) -> bool:
    """An IP address, or an e-mail cut where it does not change from digits to letters: a line
    of digits before a line that starts with an e-mail (`77071` + `jane@example.com`, a ZIP
    code or a phone number's end) is no part of it. Where the next line is an e-mail of its
    own, or the cut changes from letters to digits, the line's last word joins it only if it
    cannot stand alone (`p` + `b1977@empresa.com.br`, `pb19` + `77@...`; see `_fragment`)."""
    if "@" not in value:
        return _ip_ok(value)
    if not _tld_ok(value):
        return False
    if _EMAIL.match(right) or any(m.end() == len(left) for m in _EMAIL.finditer(left)):
        return _fragment(left)  # `Valley` + `jane@example.com`: a line before an address
    a, b = left[-1:], right[:1]
    kinds_differ = (a.isdigit() and b.isalpha()) or (a.isalpha() and b.isdigit())
    return not kinds_differ or _fragment(left)


_LAST_WORD = re.compile(r"(?:^|(?<=\s))\S+$")
_NUMBER_TOKEN = re.compile(r"\d+(?:[\-.]\d+)*")
_ADDRESS_CUE = re.compile(r"(?i)\b(?:at|to|e-?mail|mail|contact|address|is|cc|bcc)[ \t]*:?[ \t]*$")


def _fragment(left: str) -> bool:
    """Whether the line's last word is a piece of an e-mail's local part, not a word of its
    own: in lower case (or all capitals), no label (`Email:`), not digits alone; three
    letters at most, or with a digit or a dot, or any lower-case word right after `at`,
    `to`, `email:` (`reach me at lieselo`)."""
    m = _LAST_WORD.search(left)
    if m is None:
        return False
    token = m.group(0)
    if token[-1] in ":;,!?" or (any(c.isupper() for c in token) and not token.isupper()):
        return False  # `Valley`; in capitals throughout (`TO: CARINA.`) the case tells nothing
    if _NUMBER_TOKEN.fullmatch(token) or "#" in token:
        return False  # a ZIP code, a phone number's end (`office 02030 99 3020`, `...826#4012`,
        # `666-5607`: a postcode)
    if len(token) <= 3 or not token.isalpha():
        return True
    return _ADDRESS_CUE.search(left, 0, m.start()) is not None


_DIGITS_END = re.compile(r"(?<![\w.\-])\d(?:[ \-]?\d)*$")
_DIGITS_START = re.compile(r"\d(?:[ \-]?\d)*(?![\w\-]|\.\d)")  # `2015.` ends a sentence


def _card_across(left: str, right: str) -> str | None:
    """The glue ("" or " ") when the digits that end the line and those that begin the next
    make a card number (Luhn, 13 to 19 digits) together: `566` + `0 5555 3122 9261`,
    `630693` + `7527922398917`. Even where one side alone passes Luhn (one number in ten
    does): masking the whole run costs a placeholder, leaving a card's tail costs a leak."""
    head, tail = _DIGITS_END.search(left), _DIGITS_START.match(right)
    if head is None or tail is None:
        return None
    digits = re.sub(r"\D", "", head.group(0) + tail.group(0))
    if not (13 <= len(digits) <= 19 and luhn_ok(digits)):
        return None
    # The break stood between two groups where the line ends in a whole group of four (`2410`
    # + `5636 0852 6569`) or an Amex's six before its five (`3702 078908` + `14299`), and the
    # card is printed in groups; inside one group otherwise (`5696-17` + `68-3296-...`).
    grouped = any(sep in side.group(0) for side in (head, tail) for sep in " -")
    last = re.split(r"[ \-]", head.group(0))[-1]
    first = re.split(r"[ \-]", tail.group(0))[0]
    whole = len(last) == 4 or (len(last) == 6 and len(first) == 5)
    return " " if grouped and whole else ""


def _ends_in_value(left: str, right: str, *, phones: bool) -> bool:
    """Whether the line already ends or the next already starts with a whole value.

    `x@example.com\nSubject` is an e-mail and a word; `555-123-4567\n555-987-6543` two phone
    numbers. A phone-like run on one side only (`3584282756\n133320`) may be a card's start.
    """
    at_end = any(e == len(left) for _, e in _values(left, phones=phones))
    at_start = any(s == 0 for s, _ in _values(right, phones=phones))
    return (at_end or at_start) if not phones else (at_end and at_start)


def joins(text: str) -> list[tuple[int, int, str]]:
    """(start, end, replacement) for each line break that splits a value: "" or " "."""
    out: list[tuple[int, int, str]] = []
    for m in _CANDIDATE.finditer(text):
        a, b = m.span()
        left = text[max(0, a - _WINDOW) : a].rsplit("\n", 1)[-1]
        right = text[b : b + _WINDOW].split("\n", 1)[0]
        if not (re.search(r"[\d@]", left[-20:]) or re.search(r"[\d@]", right[:20])):
            continue
        if _iban_across(left, right):
            out.append((a, b, ""))
            continue
        card_glue = _card_across(left, right)
        if card_glue is not None:
            out.append((a, b, card_glue))
            continue
        glued = text[a:b] in {"\n", "\r\n"}
        hyphenated = glued and left.endswith("-")
        card_glue = _card_across(left[:-1], right) if hyphenated else None
        if card_glue is not None:
            # a dash that groups the card (`4311-4002-` / `6717-7317`) stays; one that only
            # broke the line (`506150310-` / `8437830250`) goes
            out.append((a, b, "") if card_glue else (a - 1, b, ""))
            continue
        if glued and _glued_across(left, right):  # an IP address first: `from 23.15` / `7.57.7`
            out.append((a, b, ""))
            continue
        if hyphenated and _glued_across(left[:-1], right):
            out.append((a - 1, b, ""))  # hyphenated at the line's end: `fe80::62f7:8-` / `a15:...`
            continue
        if _cued_ssn_across(left, right):
            out.append((a, b, ""))
            continue
        if _cued_phone_across(left, right) or _extension_across(left, right):
            out.append((a, b, " "))
            continue
        if glued and _extension_cut(left, right):
            out.append((a, b, ""))
            continue
        if _ends_in_value(left, right, phones=False) or _ends_in_value(left, right, phones=True):
            continue
        if _POSTAL_MARK_END.search(left):
            continue  # `〒150-0001` over `1-2-3 jingumae`: Japan's postcode line, then the block
        if _NUMBERED_LINE_END.search(left) and _POSTCODE_LINE.match(right):
            continue  # `Postfach 89829` over `61830 Valley`, `apto 35` over `65578-188 Serra`:
            # an address block's lines
        # A line that starts with a house number and its street (`28, AVENUE ...`; after a
        # whole phone number, `37472 Cedar Hollow Lane`) is an address's first line: the
        # digits above it do not go on into it as a longer phone
        # (`+33 1 23 97 73 34` over it), nor as a run that passes Luhn only by chance
        # (`0802 182 8889` over `4, Allen Avenue`); a card a scheme issues still does.
        house = _HOUSE_LINE.match(right) is not None or (
            _STREET_LINE.match(right) is not None and any(e == len(left) for _, e in _values(left))
        )
        for glue in ("", " "):
            joined = left + glue + right
            across = [
                (s, e)
                for s, e in _values(joined, phones=not house)
                if s < len(left)
                and e > len(left) + len(glue)
                and not (house and _unissued_run(joined[s:e]))
            ]
            if across:
                out.append((a, b, glue))
                break
    return out


def _iban_across(left: str, right: str) -> bool:
    """An IBAN whose checksum holds only across the break (`GB57 KNRW 34` + `33 8785 ...`).

    Mod 97 over a country code is evidence enough that the lines are one value, even where
    the next line alone reads as a number of its own; not where the line already ends in a
    whole IBAN.
    """
    if any(e == len(left) for s, e in _ibans(left)):
        return False
    joined = left + " " + right
    return any(s < len(left) and e > len(left) + 1 for s, e in _ibans(joined))


def _ibans(text: str) -> list[tuple[int, int]]:
    found: list[tuple[int, int]] = []
    for m in _IBAN.finditer(text):
        for end in range(m.end(), m.start() + 14, -1):
            if _iban_ok(text[m.start() : end]):
                found.append((m.start(), end))
                break
    return found


_CUED_SSN = re.compile(
    r"(?i)\b(?:ssn|ss\#|social(?:[ \t]+security)?(?:[ \t]+(?:number|no\.?))?)\b[^\n\d]{0,15}"
    r"(?<![\w\-])(?P<number>\d[\d \-]*)$"
)


def _cued_ssn_across(left: str, right: str) -> bool:
    """An SSN word, then nine digits in all across the break: `SSN on file 88221` / `0795`."""
    cued = _CUED_SSN.search(left)
    rest = _NUMBER_START.match(right)
    if cued is None or rest is None or not _LINE_TAIL.fullmatch(right, rest.end()):
        return False
    digits: int = sum(c.isdigit() for c in cued.group("number") + rest.group(0))
    return digits == 9


_LINE_TAIL = re.compile(r"[ \t]*(?:[.,;:)][ \t]*\S*.*)?")
"""What may follow a number's last digits on their line: nothing, or punctuation first."""


def _cued_phone_across(left: str, right: str) -> bool:
    """A phone word, a number cut short by the break, and its rest on the next line.

    Together they must hold 7 (a local number: `call 741-` over `2345`) to 15 digits, and
    neither part alone 7 or more (two numbers one per line stay apart), unless the next line
    holds only two or three digits before its end or a punctuation mark.
    """
    cued = _CUED_NUMBER.search(left)
    rest = _NUMBER_START.match(right)
    if cued is None or rest is None:
        return False
    before = sum(c.isdigit() for c in cued.group("number"))
    after = sum(c.isdigit() for c in rest.group(0))
    if before == 0:  # `Phone: +` over `5016221234`: a plus sign alone is the number's start
        return "+" in cued.group("number") and 7 <= after <= 15
    if (
        before >= 7
        and after <= 3
        and before + after <= 15
        and _LINE_TAIL.fullmatch(right, rest.end())
    ):
        return True  # `Phone: 051-67 20` over ` 37`: two or three digits alone are no number
    if before >= 7 or after >= 7 or not 7 <= before + after <= 15:
        return False
    if before + after >= 9:
        return True
    # a local number of 7 or 8 digits (`741-` over `2345`), unless the next line starts with
    # a year in prose (`on 612` over `2024 was fine`)
    return _YEAR_IN_PROSE.match(right) is None


def _extension_across(left: str, right: str) -> bool:
    """A phone number's extension cut from it by the break: `+680 277 1234` over `;ext=870`,
    or `... 1234 ext=` over `870`."""
    marker = _EXTENSION_END.search(left)
    if marker is not None:
        stem = left[: marker.start()].rstrip(" \t;,")
        return bool(_PHONE_END.search(stem) and re.match(r"\d{1,6}\b", right))
    return bool(_PHONE_END.search(left) and _EXTENSION_START.match(right))


_PHONE_THEN_PART = re.compile(
    r"\+?\(?\d[\d ().\-]{5,18}\d(?P<part>[ \t]*[;,]?[ \t]*(?:[A-Za-z]{1,9}|\#)[ \t]*[.:=]?"
    r"[ \t]*\d{0,5})$"
)


_EXTENSION_REST = re.compile(r"[A-Za-z]{0,8}[ \t]*[.:=]?[ \t]*\d{0,6}(?![\w\-/])")
"""The rest of a cut extension: letters of its word, digits, then no more of a number (`1` of
`1-4-12 sakae`, a Japanese address line after `#5596`, is none)."""


def _extension_cut(left: str, right: str) -> bool:
    """A break inside the extension itself (`+680 277 1234;e` over `xt=870`, `x 4` over `32`):
    the part before the break and the start of the next line read as an extension together
    (`;ext=8` over `70`: one extension, not `8` and a stray `70`)."""
    m = _PHONE_THEN_PART.search(left)
    if m is None or not m.group("part").strip(" \t;,"):
        return False
    rest = _EXTENSION_REST.match(right)
    if rest is None:
        return False
    joined = m.group("part") + rest.group(0)
    return bool(rest.group(0)) and _EXTENSION_START.fullmatch(joined) is not None
