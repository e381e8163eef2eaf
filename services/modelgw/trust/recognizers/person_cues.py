"""The words around a single word that say a person stands there.

A lone name, or words no list holds, are a name only where the text says a person
stands: after an introduction (`my name is`, `Dear`, `signed,`) or a sign-off line,
after a word that takes a person (`remind`, `spoke with`, `assigned to`), before a verb a
person does (`still owes`, `WROTE`), at a list item's or chat line's start, before a role
(`fergus (agent):`). `names_by_case` reads them.
"""

from __future__ import annotations

import re

_INTRODUCERS = (
    "my name is",
    "name is",
    "name:",
    "i am",
    "i'm",
    "im",
    "this is",
    "dear",
    "hi",
    "hello",
    "hey",
    "regards,",
    "regards",
    "thanks,",
    "thanks",
    "signed",
    "signed,",
    "call me",
    "patient",
    "customer",
    "employee",
    "mr",
    "mr.",
    "mrs",
    "mrs.",
    "ms",
    "ms.",
    "dr",
    "dr.",
    "sincerely,",
)
INTRODUCER = re.compile(
    r"(?i)(?:^|(?<=[\s,.;:!?(]))(?:" + "|".join(re.escape(p) for p in _INTRODUCERS) + r")\s+$"
)
PERSON_TAKERS = re.compile(
    r"(?i)(?:^|(?<=[\s,.;:!?(]))(?:remind|ask|tell|thank|thanks to|cc|ping|spoke with|spoke to"
    r"|talked to|met with|meet with|assigned to|assistant|agent|colleague|manager|contact person"
    r"|attn:?|attention:?)\s+$"
)
"""Words after which a lone listed name is a person (`remind mazzola`, `via assistant RHYS`)."""
PERSON_VERB_AFTER = re.compile(
    r"(?i)[ \t]+(?:(?:still|also|then|has|had|just|already)[ \t]+)?(?:asked|asks|declined"
    r"|owes|owed|confirmed|agreed|said|says|replied|wrote|emailed|e-mailed|phoned|rang"
    r"|approved|signed|accepted|requested|complained|apologi[sz]ed|promised|insisted|prefers"
    r"|wants|thinks)\b"
)
"""Verbs whose subject is a person: a lone listed name before one is a person (`Blackwood
still owes`, `Domínguez declined`, `THIBODEAUX ASKED`)."""
ITEM_OR_SPEAKER = re.compile(r"(?m)^[ \t]*(?:[-*\u2022][ \t]+|\d{1,2}[.)][ \t]+|\[[\d:]+\][ \t]*)$")
"""A list item's or a chat line's start: `- deepika books ...`, `[09:54] fergus (agent): ...`."""
ROLE_AFTER = re.compile(r"[ \t]*\([^\W\d_]+\)[ \t]*:")
_SIGN_OFF = re.compile(r"(?i)(?:thanks|regards|cheers|best|sincerely|yours)[,!.]?\s*\n\s*$")


def introduced(text: str, start: int) -> bool:
    """Whether an introduction or a sign-off line ends right before `start`."""
    return bool(
        INTRODUCER.search(text, max(0, start - 16), start)
        or _SIGN_OFF.search(text, max(0, start - 24), start)
    )


def taken_as_person(text: str, start: int) -> bool:
    """Whether a word that takes a person (`remind`, `assigned to`) ends right before `start`."""
    return PERSON_TAKERS.search(text, max(0, start - 24), start) is not None
