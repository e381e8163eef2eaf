# ruff: noqa: SIM905  (word lists read best as words)
"""A found name grown over the surname particles at its edges: `Ó` of `Ó FLANNABHRA`.

Recognizers that find a name by the words around it often take one word (`NOTE: DE BRUYNE
PREFERS` gives `BRUYNE`), and the NER model stops where its vocabulary does (`Donald` of
`Donald Mac Cearáin`). The particle left in clear is a piece of the surname: `Ó`, `Mac`,
`de`, `van der` say which family as much as the rest. So a PERSON grows over the particles
right before it, and over a particle and the capitalised or same-case word after it.
"""

from __future__ import annotations

import re

SURNAME_PARTICLES = frozenset(
    "ó o ní nic mac mc ui uí van von der den de da di del della le la bin binti al el ibn "
    "ben bint".split()
)
"""Small words inside a surname (`Mairead Ó Corraidhin`, `Katrina Mac Brádaigh`, `Ana de
Souza`, `Kevin De Bruyne`)."""

PARTICLE = "|".join(sorted(SURNAME_PARTICLES, key=lambda p: (-len(p), p)))
"""`SURNAME_PARTICLES` as a regex alternation, longest first."""
_BEFORE = re.compile(rf"(?<![\w'\u2019])(?i:{PARTICLE})(?:[ \t]+(?i:{PARTICLE}))?[ \t]$")
"""One or two particles that end right before a name, a space between (`van der `)."""
_NAME_WORD = r"(?P<word>[^\W\d_][^\W\d_'\u2019\-]*(?:['\u2019\-][^\W\d_]+)*)"
"""A word of a name, with inner apostrophes and hyphens (`O'Neill`, `Hay-Smith`)."""
_AFTER = re.compile(rf"[ \t](?i:{PARTICLE})(?:[ \t]+(?i:{PARTICLE}))?[ \t]+{_NAME_WORD}")
"""A particle and the word it begins after a name (` Mac Cearáin`, ` van den Brande`)."""
_ENDS_WITH_PARTICLE = re.compile(rf"(?<![\w'\u2019])(?i:{PARTICLE})$")
_WORD_AFTER = re.compile(rf"[ \t]+{_NAME_WORD}")
"""The word after a name that ends on a particle (`Siobhán Ní` then ` Dhomhnaill`)."""


def grown(text: str, start: int, end: int) -> tuple[int, int]:
    """The name at `text[start:end]` with the particles at its edges."""
    before = _BEFORE.search(text, max(0, start - 16), start)
    if before is not None and _same_case(before.group(0).strip(), text[start:end]):
        start = before.start()
    name = text[start:end]
    tail = _ENDS_WITH_PARTICLE.search(name) if " " in name else None
    after = (_WORD_AFTER if tail else _AFTER).match(text, end)
    if after is not None and _continues(
        after.group("word"), name[: tail.start()] if tail else name
    ):
        end = after.end()
    return start, end


def _same_case(particle: str, name: str) -> bool:
    """A particle in capitals only before a name in capitals (`DE BRUYNE`, not `LA Smith`);
    one in lower or Title Case before any name that is not in capitals."""
    return particle.isupper() == name.isupper() or (not particle.isupper() and name.istitle())


def _continues(word: str, name: str) -> bool:
    """Whether `word`, after a particle, is the rest of `name`: written as the name is."""
    if name.isupper():
        return word.isupper()
    if name.islower():
        return word.islower()
    return word[:1].isupper()
