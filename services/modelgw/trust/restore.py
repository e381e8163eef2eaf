"""Put original values back in place of placeholders, in whole texts and in streams.

Models mangle placeholders: `<person_1>`, `PERSON_1` without brackets,
`< PERSON_1 >`, `[PERSON 1]`, `<Email-Address_2>`. Matching is tolerant but
anchored on the entity types the vault actually holds, so ordinary words are
never taken for placeholders, and only numbers the vault knows are replaced.

`StreamRestorer` holds back only a tail that could still grow into a
placeholder (found by partial regex matching, so ordinary text flows at once,
and never more than the longest possible placeholder), never emits part of one;
the concatenation of everything it returns equals `restore_text` of the
whole text (the property the stream tests check at every split offset).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from functools import lru_cache

import regex

from modelgw.trust.vault import Vault, format_placeholder

_MAX_DIGITS = 6

Escape = Callable[[str], str]
"""How a restored value is written into the text around it: as is for prose; escaped for
a JSON string (tool-call arguments, JSON answers: `modelgw.gateway.json_texts`)."""


@lru_cache(maxsize=256)
def placeholder_pattern(entity_types: frozenset[str]) -> tuple[re.Pattern[str], int]:
    """The tolerant placeholder regex for these types and the longest text it can match."""
    alternatives = sorted(entity_types, key=len, reverse=True)
    types = "|".join(r"[_ \-]?".join(re.escape(p) for p in t.split("_")) for t in alternatives)
    pattern = re.compile(
        rf"(?i)(?P<open>[<\[{{] {{0,2}})?(?<![A-Za-z0-9])(?P<type>{types})[_ \-]?"
        rf"(?P<num>\d{{1,{_MAX_DIGITS}}})(?![0-9])(?P<close> {{0,2}}[>\]}}])?"
    )
    longest = max((len(t) for t in alternatives), default=0)
    return pattern, 3 + longest + 1 + _MAX_DIGITS + 3 + 2


_OPTIONAL_CLOSE = "(?P<close> {0,2}[>\\]}])?"


@lru_cache(maxsize=256)
def _partial_patterns(entity_types: frozenset[str]) -> tuple[regex.Pattern[str], ...]:
    """The pattern for the `regex` module (which can tell whether a text may still become a
    match), once as is and once with the closing bracket required: `<PERSON_1 ` is a full
    match already, yet ` >` may still follow and belong to it."""
    source = placeholder_pattern(entity_types)[0].pattern
    assert _OPTIONAL_CLOSE in source
    return regex.compile(source), regex.compile(
        source.replace(_OPTIONAL_CLOSE, _OPTIONAL_CLOSE[:-1])
    )


@lru_cache(maxsize=256)
def _first_letters(entity_types: frozenset[str]) -> frozenset[str]:
    """What a placeholder's text can start with: an opening bracket, or the first letter of
    one of the types in either case."""
    return frozenset("<[{" + "".join(t[:1].lower() + t[:1].upper() for t in entity_types))


def _hold_from(text: str, entity_types: frozenset[str], start: int) -> int:
    """Where the tail that could still become (or extend) a placeholder begins, else len(text).

    Only positions where a placeholder can begin are tried (`_first_letters`, and for a
    type's letter no ASCII letter or digit before it, as the pattern's lookbehind wants):
    the partial matches, two per position, were most of a streamed chunk's cost."""
    patterns = _partial_patterns(entity_types)
    _, longest = placeholder_pattern(entity_types)
    first = _first_letters(entity_types)
    for position in range(max(start, len(text) - longest), len(text)):
        char = text[position]
        if char not in first:
            continue
        if char not in "<[{" and position and _ascii_alnum(text[position - 1]):
            continue
        for pattern in patterns:
            match = pattern.match(text, pos=position, partial=True)
            if match is not None and match.end() == len(text):
                return position
    return len(text)


def _ascii_alnum(char: str) -> bool:
    return char.isascii() and char.isalnum()


def _canonical(match: re.Match[str]) -> str:
    entity_type = re.sub(r"[ \-]", "_", match.group("type")).upper()
    # "PERSON1" and "EMAIL ADDRESS_1" mean the same placeholders as their canonical forms.
    return format_placeholder(entity_type, int(match.group("num")))


def placeholders_in(texts: Iterable[str], entity_types: frozenset[str]) -> set[str]:
    """Canonical forms of the placeholder-like text in `texts` (e.g. typed by a caller)."""
    if not entity_types:
        return set()
    pattern, _ = placeholder_pattern(entity_types)
    return {_canonical(m) for text in texts for m in pattern.finditer(text)}


def _types(vault: Vault) -> frozenset[str]:
    return frozenset(e.entity_type for e in vault.entries())


def _substitute(
    text: str, vault: Vault, start: int, stop: int, escape: Escape | None = None
) -> tuple[str, int]:
    """Restore matches that lie within text[start:stop]; returns (restored, where it stopped).

    `text[:start]` is context only (it decides word boundaries). A match that
    starts before `stop` but ends after it moves the stop back to its start.
    """
    pattern, _ = placeholder_pattern(_types(vault))
    out: list[str] = []
    cursor = start
    for match in pattern.finditer(text, start):
        if match.start() >= stop:
            break
        if match.end() > stop:
            stop = match.start()
            break
        value = vault.value_of(_canonical(match))
        if value is None:
            continue  # a number the vault does not know: the model made it up, keep it
        out.append(text[cursor : match.start()])
        opening, closing = match.group("open") or "", match.group("close") or ""
        # A lone angle bracket is what is left of the placeholder and goes with it;
        # an unbalanced square or curly one may be the text's own and stays.
        if opening and not closing and opening.strip() != "<":
            out.append(opening.rstrip())
        out.append(escape(value) if escape is not None else value)
        if closing and not opening and closing.strip() != ">":
            out.append(closing.lstrip())
        cursor = match.end()
    out.append(text[cursor:stop])
    return "".join(out), stop


def restore_text(text: str, vault: Vault, escape: Escape | None = None) -> str:
    """Replace every known placeholder; unknown ones (the model made them up) stay."""
    if not len(vault):
        return text
    return _substitute(text, vault, 0, len(text), escape)[0]


class StreamRestorer:
    """Restores placeholders in a stream of text chunks with a bounded hold-back.

    The vault may grow between chunks (response scanning masks new values);
    each chunk is matched against the vault as it is when the chunk arrives.
    """

    def __init__(self, vault: Vault, escape: Escape | None = None) -> None:
        """`escape`: applied to each restored value (e.g. for text inside JSON strings)."""
        self._vault = vault
        self._escape = escape
        self._pending = ""
        self._context = ""  # the last emitted character: decides a word boundary

    @property
    def held(self) -> int:
        return len(self._pending)

    def feed(self, chunk: str) -> str:
        if not len(self._vault):
            if not self._pending:
                self._context = chunk[-1:] or self._context
                return chunk
            chunk, self._pending = self._pending + chunk, ""
            self._context = chunk[-1:] or self._context
            return chunk
        text = self._context + self._pending + chunk
        stop = _hold_from(text, _types(self._vault), len(self._context))
        if stop <= len(self._context):
            self._pending = text[len(self._context) :]
            return ""
        restored, stop = _substitute(text, self._vault, len(self._context), stop, self._escape)
        self._pending = text[stop:]
        if stop > len(self._context):
            self._context = text[stop - 1]
        return restored

    def finish(self) -> str:
        text = self._context + self._pending
        self._pending = ""
        if not len(self._vault):
            return text[len(self._context) :]
        restored, _ = _substitute(text, self._vault, len(self._context), len(text), self._escape)
        return restored
