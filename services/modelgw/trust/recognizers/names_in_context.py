# ruff: noqa: SIM905  (word lists read best as words)
"""Person names that stand alone, recognised by where they stand.

`names_by_case` finds a given name followed by a surname. People are also
written one name at a time, and the layout says they are people:

- lists of surnames (`Rinaldi, Krüger, Figueiredo and Hendricks`, in any
  case; two-word items such as `Núñez Vázquez` too);
- directory order, surname first (`GUIMARÃES, Lívia`, `Ashworth, Rhys`; in lower case
  only as a line or a list item of its own: `- wiśniewska, małgorzata (driver)`);
- the speaker of a chat or a transcript line (`[15:49] Karthik (agent):`);
- a listed given name in Title Case on its own (`Notes: Thibault asked`,
  `(Jörg)`), unless the word is an ordinary or a technical word too;
- a lone given name in any case after a greeting in several languages, or
  after words that address a person (`merhaba büşra`, `failed password for
  matthias`, `remind ağaoğlu`).
"""

from __future__ import annotations

import re

from modelgw.trust.ascii_letters import LetterPattern
from modelgw.trust.caseless import CaselessPattern
from modelgw.trust.name_lists import NameLists, fold_accents
from modelgw.trust.ner_review import in_firm_name
from modelgw.trust.recognizers.base import RegexRecognizer

_W = r"[^\W\d_](?:[^\W\d_]|['\u2019](?=[^\W\d_])|-(?=[^\W\d_]))*"
_CONNECTOR = r"(?:and|und|et|y|e|or|&)"
_ITEM = rf"(?!{_CONNECTOR}\b){_W}(?:[ \t](?!{_CONNECTOR}\b){_W})?"
_SEP = rf"(?:[ \t]*[,;][ \t]*(?:{_CONNECTOR}[ \t]+)?|[ \t]+{_CONNECTOR}[ \t]+)"
_LIST = CaselessPattern(rf"(?<![\w'\-]){_ITEM}(?:{_SEP}{_ITEM}){{1,15}}(?![\w'\-])")
_SPLIT = re.compile(_SEP, re.IGNORECASE)
_LAST_FIRST = LetterPattern(rf"(?<![\w'\-])(?P<last>{_W}),[ \t]+(?P<first>{_W})(?![\w'\-])")
_ITEM_START = re.compile(r"(?:^|\n)[ \t]*(?:[-*\u2022][ \t]+|\d{1,2}[.)][ \t]+)?$")
_ITEM_END = re.compile(r"[ \t]*(?:\(|;|$|\n)")


def _alone_on_its_line(text: str, match: re.Match[str]) -> bool:
    """Whether a `surname, given` pair is a line or a list item of its own, maybe with a role
    after it (`- wiśniewska, małgorzata (driver)`): in lower case, where the capitals do not
    say it is a name, the layout must (`berlin, paris` in a sentence is two places)."""
    start = match.start()
    return (
        _ITEM_START.search(text, max(0, start - 8), start) is not None
        and _ITEM_END.match(text, match.end()) is not None
    )


_SPEAKER = re.compile(
    rf"(?m)^[ \t]*(?:\[[\d:.apmAPM ]{{4,11}}\][ \t]*)?(?P<name>{_W}(?:[ \t]{_W}){{0,2}})"
    r"[ \t]*(?:\([^()\n]{1,24}\))?[ \t]*:"
)
_TITLED = LetterPattern(rf"(?<![\w'\-@.]){_W}(?![\w'\-@])")
_GREETINGS = (
    "merhaba|bonjour|salut|hola|ciao|hallo|olá|ola|oi|cześć|namaste|hej|hei|moin|servus"
    "|buongiorno|buenos días|bom dia|guten tag|dzień dobry|à tous|a todos|hi|hello|hey|dear"
    "|for|remind|ask|tell|thank|thanks|text|call|email|assistant|via"
    "|ping|cc|add|with|by|and"
)
_GREETED = re.compile(rf"(?i)(?:^|(?<=[\s,;:(]))(?:{_GREETINGS})[ \t]+$")
_TECH_WORDS = frozenset(
    "redis ruby julia fedora sage amber jasmine rust swift scala python kafka jenkins ember "
    "perl dart vue electron mercury apollo atlas hermes iris juno nova luna siri alexa cortana "
    "gemini claude jira max hue viva iban swift bic".split()
)
"""Given names that are also software, products, projects or codes: never a name on their own."""
_NEXT_PROPER = re.compile(r"[ \t]+(?:&[ \t]+)?[A-Z]")
_PREVIOUS_PROPER = re.compile(r"(?P<word>[A-Z][\w'\-]*)[ \t]+(?:&[ \t]+)?$")
_SPLIT_NAME = LetterPattern(
    rf"(?<![\w'\-])(?P<first>{_W})[ \t]*\r?\n[ \t]*(?P<last>{_W})(?![\w'\-])"
)
"""A given name and a surname broken over two lines (`Destiny\nOyelaran`)."""
_BRACKETED = re.compile(rf"\((?P<name>{_W})\)")
_BEFORE_MAIL = re.compile(
    rf"(?<![\w'\-])(?P<name>{_W}(?:[ \t]{_W}){{1,3}})[ \t]*[<(\[][\"']?(?P<local>[\w.+\-]+)@"
)
"""`adelasia mocenigo <mocenigoa@example.com>`: a display name its own mailbox spells."""
_BRACKETED_MAILBOX = re.compile(r"[<(\[][\"']?[\w.+\-]+@")
"""What every `_BEFORE_MAIL` match ends with: tried first, as the words before it cost
~0.3 ms a kilobyte to look for, and most mail addresses stand in no brackets."""


class NamesInContextRecognizer(RegexRecognizer):
    entity = "PERSON"
    score = 0.55

    def __init__(self, names: NameLists) -> None:
        super().__init__()
        self._names = names

    def find(self, text: str) -> list[tuple[int, int]]:
        spans = [*self._lists(text), *self._last_first(text), *self._speakers(text)]
        spans += self._lone_given_names(text)
        if "\n" in text:
            spans += self._split_names(text)
        if "@" in text:
            spans += self._mailbox_names(text)
        return [s for s in spans if not in_firm_name(text, *s)]

    # --- what a word is --------------------------------------------------------------------
    def _plain(self, lower: str) -> bool:
        names = self._names
        return lower in names.english or lower in names.common or lower in _TECH_WORDS

    def _listed(self, lower: str, *, given: bool = True) -> bool:
        parts = [p for p in lower.split("-") if p]
        names = self._names
        return bool(parts) and all(
            (p in names.last or fold_accents(p) in names.last)
            or (given and (p in names.first or fold_accents(p) in names.first))
            for p in parts
        )

    def _name_word(self, word: str) -> bool:
        lower = word.lower()
        return len(lower) > 1 and self._listed(lower) and not self._plain(lower)

    # --- layouts -----------------------------------------------------------------------------
    def _lists(self, text: str) -> list[tuple[int, int]]:
        spans: list[tuple[int, int]] = []
        for m in _LIST.finditer(text):
            items: list[tuple[int, int]] = []
            cursor = m.start()
            for sep in [*_SPLIT.finditer(text, m.start(), m.end()), None]:
                end = sep.start() if sep else m.end()
                items.append((cursor, end))
                cursor = sep.end() if sep else m.end()
            run: list[tuple[int, int]] = []
            for item in [*items, None]:
                if item is not None and self._list_item(text[item[0] : item[1]]):
                    run.append(item)
                    continue
                if item is not None and not run and " " in text[item[0] : item[1]].strip():
                    last = text.rindex(" ", item[0], item[1]) + 1  # `invite nowak, ...`
                    if self._list_item(text[last : item[1]]):
                        run.append((last, item[1]))
                        continue
                firm = len(run) == 2 and "&" in text[run[0][1] : run[1][0]]  # `Procter & Gamble`
                if (
                    run
                    and not firm
                    and len(run) >= (2 if _title(text[run[0][0] : run[0][1]]) else 3)
                ):
                    spans.extend(run)
                run = []
        return spans

    def _list_item(self, item: str) -> bool:
        words = item.split()
        return bool(words) and all(self._name_word(w) for w in words) and _one_case(words)

    def _last_first(self, text: str) -> list[tuple[int, int]]:
        spans: list[tuple[int, int]] = []
        for m in _LAST_FIRST.finditer(text):
            last, first = m.group("last"), m.group("first")
            if (
                self._listed(last.lower(), given=False)
                and not self._plain(last.lower())
                and self._listed(first.lower())
                and not self._plain(first.lower())
                and (
                    (last[0].isupper() and first[0].isupper())
                    or (last.islower() and first.islower() and _alone_on_its_line(text, m))
                )
            ):
                spans.append(m.span())
        return spans

    def _speakers(self, text: str) -> list[tuple[int, int]]:
        spans: list[tuple[int, int]] = []
        for m in _SPEAKER.finditer(text):
            words = m.group("name").split()
            if len(words) == 1 and words[0].isupper() and len(words[0]) <= 4:
                continue  # `IBAN:`, `BIC:`, `VAT:`: a code's label
            if any(self._plain(w.lower()) for w in words):
                continue
            if any(self._listed(w.lower()) for w in words):
                spans.append(m.span("name"))
        return spans

    def _lone_given_names(self, text: str) -> list[tuple[int, int]]:
        spans: list[tuple[int, int]] = []
        names = self._names
        for m in _TITLED.finditer(text):
            word = m.group(0)
            lower = word.lower()
            if len(lower) < 3 or self._plain(lower):
                continue
            given = lower in names.first or fold_accents(lower) in names.first
            if not given:
                continue
            greeted = _GREETED.search(text, max(0, m.start() - 24), m.start())
            previous = _PREVIOUS_PROPER.search(text, max(0, m.start() - 30), m.start())
            if not greeted and (
                _NEXT_PROPER.match(text, m.end())
                or (
                    previous
                    and (
                        "&" in previous.group(0) or not self._plain(previous.group("word").lower())
                    )
                )
            ):
                continue  # `Louis Vuitton`, `Jira Service`, `Marks & Spencer`: another name's part
            titled = word[0].isupper() and not word.isupper()
            bracketed = _BRACKETED.match(text, m.start() - 1) if m.start() else None
            if titled or bracketed or greeted:
                spans.append(m.span())
        return spans

    def _mailbox_names(self, text: str) -> list[tuple[int, int]]:
        spans: list[tuple[int, int]] = []
        for m in _BEFORE_MAIL.finditer(text) if _BRACKETED_MAILBOX.search(text) else ():
            local = fold_accents(m.group("local").lower())
            picked: list[str] = []  # the words next to the mailbox that are no ordinary words
            for word in reversed(m.group("name").split()):
                spelled_here = len(word) > 2 and fold_accents(word.lower()) in local
                if (self._plain(word.lower()) and not spelled_here) or len(picked) == 3:
                    break
                picked.insert(0, word)
            spelled = any(len(w) > 2 and fold_accents(w.lower()) in local for w in picked)
            name = " ".join(picked)
            start = m.end("name") - len(name)
            if len(picked) >= 2 and spelled and text[start : m.end("name")] == name:
                spans.append((start, m.end("name")))
        return spans

    def _split_names(self, text: str) -> list[tuple[int, int]]:
        spans: list[tuple[int, int]] = []
        for m in _SPLIT_NAME.finditer(text):
            first, last = m.group("first"), m.group("last")
            if (
                _one_case([first, last])
                and not first.islower()
                and self._name_word(first)
                and self._listed(last.lower(), given=False)
                and not self._plain(last.lower())
            ):
                spans.append(m.span())
        return spans


def _title(item: str) -> bool:
    return all(w[0].isupper() and not w.isupper() for w in item.split())


def _one_case(words: list[str]) -> bool:
    kinds = {("upper" if w.isupper() else "lower" if w.islower() else "title") for w in words}
    return len(kinds) == 1 or (kinds == {"title", "lower"} and len(words) == 2)
