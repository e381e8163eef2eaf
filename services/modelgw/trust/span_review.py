"""Second thoughts on any name or place, whichever recognizer or model found it.

`ner_review` reviews what the NER model alone calls a person. The pattern
recognizers and the model also read as names and places words that the layout
of business text says are something else, whatever the words are:

- a contact label before a number (`Tel. +44 ...`, `Mobile 074104 ...`) and a
  form field's label at a line's start (`City: Melilla`, `Total due: 84.00`);
- a job title cut off at its preposition (`Head of` Procurement, `Profesional
  de` ...): no name ends with `of` or `de`;
- the firm after the bar of a signature (`Psychiatric nurse | Akhtar, Hartley
  and O'Sullivan`) and the value of a field that names an organisation
  (`Insurer: Bupa`);
- a reference or a version read as a place (`INV-2023`, `8.7.4`, `03.09.2019`), a bank's
  code after its label (`BIC: TGBATRIS`);
- a log line's level and logger (`INFO auth.login`);
- a brand named after its founder (`Louis Vuitton`, `Tim Hortons`, `Procter &
  Gamble`), a thing named after a place (`Brussels sprouts`, `panama hat`) and
  a shop or a show named after its street (`Park Avenue Deli`, `Abbey Road
  Sessions`).

Each rule reads the span and what is next to it, never the rest of the text:
what is around a value says what it is, and no rule here knows a dev item.
"""

from __future__ import annotations

import re
from functools import lru_cache

from modelgw.trust.caseless import CaselessPattern

_CONTACT_LABEL = re.compile(
    r"(?i)(?:tel|tél|telephone|phone|ph|mobile|mob|cell|fax|office|direct|landline|whatsapp"
    r"|e-?mail|web)\.?"
)
_NUMBER_AFTER = re.compile(r"[ \t]*[.:]?[ \t]*[+(\d]")
_FIELD_LABELS = frozenset(
    [
        "city",
        "town",
        "country",
        "state",
        "province",
        "region",
        "county",
        "district",
        "street",
        "postcode",
        "zip",
        "amount",
        "balance",
        "total",
        "subtotal",
        "order",
        "invoice",
        "payroll",
        "account",
        "subject",
        "date",
        "mobile",
        "phone",
        "email",
        "fax",
        "office",
    ]
)
"""Words that head a form's field; at a line's start they label the value after them."""
_LABEL_AFTER = re.compile(r"[ \t]*(?:[:/]|\n|$|[ \t][a-z]+[ \t]*:|[ \t]+#?\d)")
_LINE_START = re.compile(r"(?:^|\n)[ \t]*(?:[-*\u2022>]+[ \t]*)?$")
_TRAILING_WORDS = frozenset(["of", "for", "at", "the", "and"])
"""Words no name ends with: `Head of` (Procurement), `Director for` (Sales)."""
_TRAILING_PARTICLES = frozenset(
    "de da do di du del della der den van von la le".split()  # noqa: SIM905
)
"""A surname's particles: a name ends with one only where the surname is cut off after it
(`María de` / `la Cruz`), so only before a lower-case word (`Profesional de nivel`)."""
_LOWER_WORD_AFTER = re.compile(r"[ \t]+[a-zà-ÿ]")
_FIELD_REACH = 64
"""How far before a span an organisation field's label may start (`Insurer: `)."""
_ORGANISATION_FIELD = re.compile(
    r"(?i)\b(?:insurer|insurance|employer|company|bank|carrier|provider|vendor|supplier"
    r"|airline|firm|organi[sz]ation|agency|university|school|hospital|clinic|brand|merchant"
    r"|retailer|customer of|client of)[ \t]*:[ \t]*$"
)
_CODE = re.compile(r"[A-Z]{2,6}-\d{2,}|[\d\W_]+")
"""`INV-2023`, `SR-2026`, `8.7.4`, `03.09.2019`: a reference, a version or a date."""
_BANK_CODE = re.compile(r"[A-Za-z]{6}[A-Za-z\d]{2}(?:[A-Za-z\d]{3})?")
"""A BIC (SWIFT code): bank, country, location, maybe a branch; `TGBATRIS`, `BPOTBEB1`."""
_BANK_CODE_LABEL = re.compile(
    r"(?i)\b(?:bic|swift)(?:[ \t]*/[ \t]*(?:bic|swift))?(?:[ \t]+code)?[ \t]*[:#]?[ \t]*$"
)
_LOG_LEVEL = re.compile(r"(?:TRACE|DEBUG|INFO|NOTICE|WARN|WARNING|ERROR|FATAL|CRITICAL)\b")
_DOTTED_IDENTIFIER = re.compile(r"[a-z]{2,}\.[a-z]{2,}")
"""`auth.login`, `notify.sms`: a logger's or a module's name, no person's."""
_STREET_WORDS = r"street|st|avenue|ave|road|rd|lane|boulevard|blvd|drive|square|place"
_VENUE_AFTER_STREET = re.compile(
    rf"(?i)\b(?:{_STREET_WORDS})\b\.?[ \t]+(?:deli|delicatessen|grill|diner|cafe|café|bar|pub"
    r"|bistro|restaurant|bakery|chocolatier|chocolatiere|chocolaterie|pizzeria|brasserie"
    r"|tavern|kitchen|sessions|studios?|records|journal|blues|band|boys|singers|theatre"
    r"|theater|cinema|market|shop|store|boutique|salon|gallery|hotel|inn|club|gym|garage)\b"
)
"""A street's name followed by what stands in it: the shop, the show, the band."""

# Brands and firms named after people, as business text names them. A span inside one
# of these is the firm: its founder is not who the text is about.
_EPONYMOUS_BRANDS = (
    "louis vuitton|tommy hilfiger|tim hortons|morgan stanley|procter & gamble|procter and gamble"
    "|johnson & johnson|marks & spencer|marks and spencer|ernst & young|wells fargo|hugo boss"
    "|ralph lauren|calvin klein|dr. oetker|dr oetker|estée lauder|estee lauder|giorgio armani"
    "|christian dior|yves saint laurent|saint laurent|dolce & gabbana|dolce and gabbana"
    "|michael kors|kate spade|tory burch|jimmy choo|stella mccartney|vivienne westwood"
    "|paul smith|ted baker|karl lagerfeld|carolina herrera|oscar de la renta|max mara"
    "|ben & jerry's|ben and jerry's|walt disney|ford motor|john lewis|sainsbury's|j sainsbury"
    "|lloyds bank|barclays|goldman sachs|charles schwab|merrill lynch|lehman brothers"
    "|dow jones|arthur andersen|baker mckenzie|clifford chance|allen & overy|linklaters"
    "|freshfields|mckinsey|boston consulting|bain & company|booz allen|deloitte|kpmg"
    "|pricewaterhousecoopers|mercedes-benz|rolls-royce|aston martin|harley-davidson"
    "|ferrari|lamborghini|porsche|peugeot|citroën|citroen|renault|michelin|bosch|siemens"
    "|philips|hewlett-packard|hewlett packard|dell technologies|dell inc|john deere"
    "|levi strauss|levi's|kellogg's|kellogg|heinz|cadbury|nestlé|nestle|mars wrigley"
    "|william hill|victoria's secret|abercrombie & fitch|dunkin' donuts|wendy's|mcdonald's"
    "|mcdonalds|jack daniel's|johnnie walker|jim beam|martha stewart|sotheby's|christie's"
    "|lazard|rothschild|jp morgan|j.p. morgan|morgan chase|roche|bayer|merck|pfizer|bupa"
    "|hermès|hermes|chanel|gucci|prada|versace|valentino|fendi|armani|lacoste|zegna"
    "|hilton|marriott|hyatt|disney|boeing|dyson|cartier|tiffany & co|swarovski"
)
_BRAND = CaselessPattern(rf"(?<![\w'\-])(?:{_EPONYMOUS_BRANDS})(?![\w'\-])")

# Things named after places or people that are neither: the food, the garment, the cake.
_NAMED_THINGS = (
    "brussels sprouts?|panama hats?|bermuda shorts|victoria sponges?|french fries|french toast"
    "|french press|danish pastry|danish pastries|swiss cheese|swiss roll|swiss army knife"
    "|turkey sandwich|boston terrier|jerusalem artichokes?|scotch eggs?|scotch tape|irish coffee"
    "|bologna sandwich|dijon mustard"
    "|yorkshire pudding|cornish pasty|eton mess|black forest cake|baked alaska|chicken kiev"
    "|beef wellington|caesar salad|eggs benedict|earl grey|peking duck|new york cheesecake"
    "|belgian waffles?|spanish omelette|greek yoghurt|greek yogurt|india pale ale"
    "|oxford shoes|chelsea boots|cuban cigars?|persian rug|chinese takeaway"
    "|jersey cow|moscow mule|long island iced tea|bloody mary"
    "|tom collins|shirley temple|brown betty|apple charlotte|peach melba|pavlova"
)
_THING = CaselessPattern(rf"(?<![\w'\-])(?:{_NAMED_THINGS})(?![\w'\-])")
_REVIEWED_TYPES = frozenset({"PERSON", "LOCATION"})


def reviewed_type(entity_type: str) -> bool:
    return entity_type in _REVIEWED_TYPES


def not_a_name_or_place(text: str, start: int, end: int, entity_type: str) -> bool:
    """Whether `text[start:end]`, found as a person or a place, is something else."""
    value = text[start:end]
    if not value.strip():
        return False
    line_start = text.rfind("\n", 0, start) + 1
    before = text[line_start:start]
    return (
        _label(text, value, start, end)
        or _cut_job_title(text, end, value, entity_type)
        or _employer(before)
        or (entity_type == "LOCATION" and _CODE.fullmatch(value) is not None)
        or _log_words(value)
        or (_BANK_CODE.fullmatch(value) is not None and _BANK_CODE_LABEL.search(before) is not None)
        or _inside(_brands(text), start, end)
        or _inside(_things(text), start, end)
        or _VENUE_AFTER_STREET.search(value) is not None
    )


def _label(text: str, value: str, start: int, end: int) -> bool:
    if _CONTACT_LABEL.fullmatch(value) and _NUMBER_AFTER.match(text, end):
        return True
    return (
        value.lower() in _FIELD_LABELS
        and _LINE_START.search(text, max(0, start - 8), start) is not None
        and _LABEL_AFTER.match(text, end) is not None
    )


def _cut_job_title(text: str, end: int, value: str, entity_type: str) -> bool:
    words = value.split()
    if entity_type != "PERSON" or len(words) < 2 or len(words[-2]) < 2:
        return False  # `Y ō k o  W a t a n a b e`: letters spaced out, no particle
    last = words[-1].lower()
    return last in _TRAILING_WORDS or (
        last in _TRAILING_PARTICLES
        and _LOWER_WORD_AFTER.match(text, end) is not None
        and _next_word(text, end) not in _TRAILING_PARTICLES  # `Juan de` / `la Cruz`
    )


def _next_word(text: str, end: int) -> str:
    rest = text[end : end + 24].split()
    return rest[0].lower() if rest else ""


def _employer(before: str) -> bool:
    """`before` (the span's line up to it) ends with a job title's bar or an organisation field.

    Read from the end with string tests: a regex that must find the bar at the end of the
    line backtracks quadratically over a long line without one (in a 4 KB paragraph, ~16 ms
    per name found)."""
    tail = before.rstrip(" \t")
    if tail.endswith("|"):
        head = tail[:-1]
        if "|" not in head and "\n" not in head and any(c.isalpha() for c in head):
            return True
    return _ORGANISATION_FIELD.search(before[-_FIELD_REACH:]) is not None


def _log_words(value: str) -> bool:
    return bool(_LOG_LEVEL.match(value) or _DOTTED_IDENTIFIER.search(value))


def _inside(spans: tuple[tuple[int, int], ...], start: int, end: int) -> bool:
    return any(a <= start and end <= b for a, b in spans)


SURNAME_BRANDS = frozenset(
    [
        "mckinsey",
        "ferrari",
        "porsche",
        "renault",
        "bosch",
        "siemens",
        "philips",
        "kellogg",
        "heinz",
        "nestle",
        "lazard",
        "rothschild",
        "roche",
        "bayer",
        "merck",
        "hermes",
        "chanel",
        "prada",
        "versace",
        "valentino",
        "fendi",
        "armani",
        "lacoste",
        "hilton",
        "marriott",
        "hyatt",
        "disney",
        "boeing",
        "dyson",
        "cartier",
        "swarovski",
    ]
)
"""One-word brands that the name lists know as names too (a test holds the two together):
alone they stay a person's, and are the firm only with a word for one after them (`Roche
AG`, `Hilton hotels`). Masking a firm costs a placeholder; unmasking a person is a leak."""
_FIRM_AFTER = re.compile(
    r"(?i)[ \t]+(?:inc|ltd|llc|plc|ag|gmbh|se|sa|s\.a\.|nv|n\.v\.|bv|group|corp|corporation"
    r"|company|co|holdings|bank|hotels?|motors|airlines|pharma|pharmaceuticals|foundation"
    r"|stores?|boutique|products|shares|stock)\b"
)
_TITLE_BEFORE = re.compile(
    r"(?:mr|mrs|ms|miss|mx|dr|prof|sir|dame|herr|frau|sr|sra|mme)\.?[ \t]+$", re.I
)
_NAME_BEFORE = re.compile(r"[A-Z][\w'\-]*[ \t]+$")


@lru_cache(maxsize=4)
def _brands(text: str) -> tuple[tuple[int, int], ...]:
    """Where brands stand in `text` (found once per text: its spans are asked one by one).

    A one-word brand (`Dyson`, `Hilton`) is a surname too: after a title or a given name
    (`Mr Dyson`, `Paris Hilton`) it is the person's.
    """
    spans = []
    for m in _BRAND.finditer(text):
        brand = text[m.start() : m.end()]  # `m` may be over the text lower-cased
        if " " not in brand and "&" not in brand:
            before = text[max(0, m.start() - 24) : m.start()]
            if _TITLE_BEFORE.search(before) or _NAME_BEFORE.search(before):
                continue
            if brand.lower() in SURNAME_BRANDS and not _FIRM_AFTER.match(text, m.end()):
                continue  # `call Roche tomorrow`: a person unless the firm is said
        spans.append(m.span())
    return tuple(spans)


@lru_cache(maxsize=4)
def _things(text: str) -> tuple[tuple[int, int], ...]:
    return tuple(m.span() for m in _THING.finditer(text))
