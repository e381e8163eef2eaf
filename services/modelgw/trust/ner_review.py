"""Second thoughts on what the NER model calls a person.

The small English model reads capitals as names: a form label (`Sent:`,
`Bill to:`), an acronym title-cased from ALL CAPS (`SSN`, `DRAFT`), a song
or book title in quotes (`'Moby Dick'`), a job title on a signature line
(`Accountant`), a company (`Lecomte SARL`), words of a sentence in another language
(`Beni şu numaradan ...`, `L'adresse de livraison`). Masking those costs the model its
context and buys no privacy. A PERSON span is kept unless one of these
holds; anything a name list knows as a name is kept regardless. The other way round, a
name the model has never seen it often calls an organisation; `person_named_as_org` takes
those back.
"""

from __future__ import annotations

import re

from modelgw.trust.name_edges import SURNAME_PARTICLES
from modelgw.trust.name_lists import NameLists, fold_accents
from modelgw.trust.plain_words import unusual_word
from modelgw.trust.stop_words import foreign_stop_words

_LABEL_AFTER = re.compile(r"\s*(?:to\s*)?:")
_QUOTES = {"'": "'", '"': '"', "\u2018": "\u2019", "\u201c": "\u201d", "\u00ab": "\u00bb"}
_COMPANY = re.compile(
    r"(?i)[\s,]*(?<!\w)(?:inc|ltd|llc|llp|plc|gmbh|ag|kg|ohg|e\.?\s?g|sa|s\.a|sas|s\.a\.s|sarl|s\.a\.r\.l"
    r"|bv|b\.v|nv|n\.v|ab|hb|oy|as|a/s|s/a|aps|sp\.?\s?z\s?o\.?\s?o|s\.?p\.?a|srl|s\.r\.l|s\.l|ltda"
    r"|me|eireli|k\.k|corp|co|group|holding|& co|and sons|& sons|y asociados|e hijos|e figli"
    r"|a\.?ş)\b\.?"
)
_WORD = re.compile(r"[^\W\d_]+(?:['\u2019-][^\W\d_]+)*")
_PARTNER = (
    r"(?:[ \t]*(?:,|&|\band\b|\bund\b|\bet\b|\by\b|\be\b)?[ \t]+"
    r"(?!(?:from|with|at|of|for|to|in|on|by|via|the|who|said|says|called)\b)[^\W\d_][\w'\u2019\-]*)"
)
"""A partner's name; `from`, `with`, `at`: the sentence goes on (`Ana Lima from Acme Ltd`)."""
_FIRM_AFTER = re.compile(
    "(?i)" + _PARTNER + "{0,3}(?P<form>" + _COMPANY.pattern.removeprefix("(?i)") + ")"
)
"""A firm's legal form after a name, maybe past other partners: ` & Asociados S.A.`,
`, Malatesta e Deledda SPA`. The form must be capitalised: `as`, `me`, `co` are words too."""
_WORD_FORMS = frozenset(["as", "me", "co", "ab", "sa", "ag", "oy", "hb", "group", "holding"])
"""Legal forms that are words too: one before a lower-case word starts a sentence."""
_FIRM_BEFORE = re.compile(
    r"(?i)(?:^|(?<=[\s(]))(?:grupo|group|gruppo|banca|banco|bank|hotel|hôtel|maison|cabinet"
    r"|bufete|despacho|studio|atelier|fundación|fundação|fondazione|stiftung)[ \t]+"
    r"(?:[^\W\d_][\w'\u2019\-]*[ \t]*(?:,|&|\band\b|\by\b|\be\b|\bet\b|\bund\b)[ \t]*){0,3}$"
)
"""Words that open a firm's name: `Grupo Alameda`, `Hotel Arias`, `Bufete Ortega y Asociados`."""


def plausible_person(text: str, start: int, end: int, names: NameLists) -> bool:
    """Whether `text[start:end]`, which the model tagged PERSON, may well be a person."""
    value = text[start:end]
    words = [w.lower() for w in _WORD.findall(value)]
    if not words:
        return False
    known = sum(_listed(w, names) for w in words)
    if _quoted(text, start, end) or in_firm_name(text, start, end) or _COMPANY.search(value):
        return False
    if len(words) > 1 and in_another_language(value, names):
        return False  # `Beni şu` (numaradan ...), `L'adresse de livraison`: a sentence
    if len(words) == 1:
        if _LABEL_AFTER.match(text, end) and words[0] not in names.last:
            return False  # `Sent:`, `Date:`, `Bill to:`
        if not known and _IMPERATIVE.match(text, end) and _sentence_start(text, start):
            return False  # `Summarise why ...`, `Translate the ...`: an instruction's verb
        return known == 1 or (words[0] not in names.english and not value.isupper())
    if value.isupper():
        return known >= 1  # `MEETING MOVED`, `LEGAL WANTS`: title-cased capitals
    return known >= 1 or not all(w in names.english for w in words)


_FRENCH_ARTICLE = re.compile(r"(?<![^\W\d_])[Ll]['\u2019][a-zà-ÿ]")
"""`l'adresse`, `L'équipe`: the article before a common noun (a firm's `L'Oréal` is capital)."""


def in_another_language(value: str, names: NameLists) -> bool:
    """Whether `value`, read as a name, is words of a sentence in another language: an
    elided French article (`L'adresse`), or a function word of another language in lower
    case after a capitalised word (`Beni şu`, see `_function_word`)."""
    if _FRENCH_ARTICLE.search(value):
        return True
    written = _WORD.findall(value)
    return (
        bool(written)
        and written[0][:1].isupper()
        and any(w.islower() and _function_word(w, names) for w in written[1:])
    )


def _function_word(word: str, names: NameLists) -> bool:
    """A stop word of another language (`şu`, `jest`, `und`) that is no surname particle,
    no English word and no listed name. Written in lower case after a capitalised word
    (`Beni şu`), it is a sentence in that language, not a name (`Uma Castillo`, `Era
    Zellweger` are capitalised; in ALL CAPS or lower case nothing tells them apart)."""
    return (
        word in foreign_stop_words()
        and word not in SURNAME_PARTICLES
        and word not in names.english
        and word not in names.first
        and word not in names.last  # as written: `şu` folds to the surname `Su`
    )


_IMPERATIVE = re.compile(
    r"[ \t]+(?:why|what|how|whether|which|who|the|this|these|those|that|all|each|every|it|our"
    r"|my|your|its|their|them|me|us)\b"
)
"""What follows an instruction's verb at a sentence's start (`Summarise why`, `List all`)."""


def _sentence_start(text: str, start: int) -> bool:
    before = text[max(0, start - 3) : start].rstrip(" \t\"'(")
    return not before or before[-1] in "\n.!?:"


def in_firm_name(text: str, start: int, end: int) -> bool:
    """Whether `text[start:end]` is part of a firm's name: `Arias & Asociados S.A.`,
    `Ruggeri, Malatesta e Deledda SPA`, `Grupo Alameda`. Partners' surnames in a firm's
    name identify the firm, not a person the text is about."""
    firm = _FIRM_AFTER.match(text, end)
    if firm and "\n" not in text[end : firm.end()]:
        form = firm.group("form")
        if _CONNECTOR.sub("", form.lstrip(" \t\n,&"))[:1].isupper():
            if not (
                form.strip(" \t\n,&.").lower() in _WORD_FORMS
                and re.match(r"[ \t]+[a-z]", text[firm.end() :])  # `As discussed`: a sentence
            ):
                return True
        elif unmistakable_form(form):
            return True  # `grupo alameda s.l.`, `polmex sp. z o.o.`: typed in lower case
    return _FIRM_BEFORE.search(text, max(0, start - 60), start) is not None


def in_a_firm(text: str, start: int, end: int) -> bool:
    """Whether `text[start:end]` runs into a firm's legal form or is part of a firm's name
    (`overlaps_legal_form`, `in_firm_name`): no person's name and no place."""
    return overlaps_legal_form(text, start, end) or in_firm_name(text, start, end)


_UNMISTAKABLE = frozenset(
    [
        "inc",
        "ltd",
        "llc",
        "llp",
        "plc",
        "gmbh",
        "sarl",
        "s.a.r.l",
        "s.a.s",
        "ltda",
        "srl",
        "s.r.l",
        "s.l",
        "s.a",
        "s.p.a",
        "sp.zo.o",
        "spzoo",
        "eireli",
        "k.k",
        "corp",
        "a/s",
        "aps",
        "a.ş",
        "s/a",
    ]
)
"""Legal forms that are no word of a language (`ltda`, `s.r.l`, `gmbh`), so a firm's name is
told by them in lower case too; `as`, `me`, `co`, `spa`, `e.g` are words and need a capital."""


def unmistakable_form(form: str) -> bool:
    """Whether `form` (as `_COMPANY` found it) is one of `_UNMISTAKABLE`, whatever its case."""
    bare = re.sub(r"\s+", "", form.strip(" \t\n,&.")).lower()
    return bare in _UNMISTAKABLE


_CONNECTOR = re.compile(r"(?i)^(?:y|e|and)[ \t]+")
"""The joining word a legal form may begin with (`y Asociados`, `e Figli`): the capital that
tells a firm's name from a sentence is on the word after it."""

_FORM = re.compile(_COMPANY.pattern.replace(r"(?i)[\s,]*", r"(?i)(?<![^\W\d_])", 1))
"""A legal form standing as a word of its own (`Ltda`, `Sp. z o.o.`, `S.L.`), not inside one."""


def overlaps_legal_form(text: str, start: int, end: int) -> bool:
    """Whether `text[start:end]` runs into a firm's legal form (`Polmex Sp` of `Polmex Sp. z
    o.o.`, `Aurora Ltda`) or is a piece of one (`o.o.`, `S.L.` read as places). A form that is
    a word too (`as`, `co`) counts only in capitals (`AS`, `Co.`) and away from a sentence
    going on in lower case."""
    for form in _FORM.finditer(text, max(0, start - 12), min(len(text), end + 12)):
        if form.end() <= start or form.start() >= end:
            continue
        if not form.group(0)[:1].isupper():
            if unmistakable_form(form.group(0)):
                return True  # `aurora ltda`, `reid inc`
            continue
        word = form.group(0).strip(" .").lower()
        if word in _WORD_FORMS and not form.group(0).isupper():
            continue
        return True
    return False


ORG_PERSON_SCORE = 0.6
"""The score of a person the model called an organisation (`person_named_as_org`): a guess
from its words, as a rule's."""

_TITLE_WORD = re.compile(r"[^\W\d_][^\W\d_A-Z]+(?:['\u2019\-][^\W\d_][^\W\d_A-Z]*)*")


def person_named_as_org(text: str, start: int, end: int, names: NameLists) -> bool:
    """Whether `text[start:end]`, which the model tagged an organisation, is a person's name:
    the small model calls names it has never seen firms (`Gitau Ogutu`, `Kuchanua Wambui`).
    Two or three capitalised words, none an ordinary English or stop word, at least one a
    listed given name or surname, no legal form, and no firm, quote or brand around them."""
    words = text[start:end].split()
    if not 2 <= len(words) <= 3 or not all(_TITLE_WORD.fullmatch(w) for w in words):
        return False
    if not all(unusual_word(w.lower()) for w in words):
        return False
    if not any(_listed(w.lower(), names) for w in words):
        return False
    return plausible_person(text, start, end, names)


def _listed(word: str, names: NameLists) -> bool:
    parts = [p for p in word.split("-") if p]
    return bool(parts) and all(
        (p in names.first or p in names.last or fold_accents(p) in names.last)
        and p not in names.english
        for p in parts
    )


def _quoted(text: str, start: int, end: int) -> bool:
    """Inside quotes, with the quotes right around it or one word further (`'Hey Jude'`)."""
    before = text[max(0, start - 12) : start]
    after = text[end : end + 12]
    for opening, closing in _QUOTES.items():
        left = before.rfind(opening)
        if left >= 0 and " " not in before[left + 1 :].strip() and closing in after[:6]:
            return True
    return False
