"""What the detections of a text gain once overlaps are resolved: the rest of a name, its
other mentions, the other items of its list, and neighbours that are one value.

Each recognizer and the NER model judge a span alone; these passes read the
detections of the whole text together (`finish` in `detection_plan` runs them
in this order): a name grows over the surname particles at its edges
(`name_edges`), the items of a list mostly of found names take their kind
(`list_items`), a found name is masked at its other mentions (`name_echoes`),
two spans of one kind a space or a wrapped line apart become one, a town with its
postcode takes the street before it (`streets_before_towns`), the line of
words over an address block is its addressee, and a number right after an address on its
line is a phone number.
"""

from __future__ import annotations

import re

from modelgw.trust import list_items, name_edges
from modelgw.trust.detection import Detection
from modelgw.trust.name_echoes import echoes
from modelgw.trust.ner_review import in_a_firm
from modelgw.trust.plain_words import unusual_word
from modelgw.trust.streets_before_towns import streets_before_towns


def grown(original: str, detections: list[Detection]) -> list[Detection]:
    """`detections` (sorted, no overlaps) after every pass below."""
    kept = _with_streets_before_towns(original, detections)
    kept = _with_particles(original, _with_addressees(original, kept))
    kept = _with_echoes(original, _with_list_items(original, kept))
    return _join_neighbours(original, _with_numbers_after_addresses(original, kept))


ADDRESSEE_SCORE = 0.6
"""The score of the line above an address block read as the addressee's name."""
_ADDRESSEE_REACH = 120
"""How far back the line above an address is looked for (a name's line is short; a
text of many addresses costs no quadratic time)."""

_NAME_LINE = re.compile(
    r"[ \t]*(?P<name>[^\W\d_][^\W\d_'\u2019\-]*(?:['\u2019\-][^\W\d_]+)*"
    r"(?:[ \t]+[^\W\d_][^\W\d_'\u2019\-]*(?:['\u2019\-][^\W\d_]+)*){1,3})[ \t]*"
)
"""Two to four words of letters alone on a line (`FERGUS PENHALIGON`, `Ana-Sofia Lima`)."""


def _with_streets_before_towns(original: str, detections: list[Detection]) -> list[Detection]:
    """`detections` with each address read leftwards from a town and its postcode (see
    `streets_before_towns`) in place of what it covers: the town, the country, a street
    word the model took for a name (`Peremohy`)."""
    addresses = streets_before_towns(original, detections)
    if not addresses:
        return detections
    kept = list(detections)
    for address in addresses:
        start, end = address.start, address.end
        inside = [d for d in kept if d.start < end and start < d.end]
        start = min([start, *(d.start for d in inside)])
        end = max([end, *(d.end for d in inside)])
        kept = [d for d in kept if d not in inside]
        kept.append(
            Detection("ADDRESS", start, end, max([address.score, *(d.score for d in inside)]))
        )
    return sorted(kept, key=lambda d: d.start)


def _with_addressees(original: str, detections: list[Detection]) -> list[Detection]:
    """`detections` and a PERSON for the line right above an address block that is a name:
    two to four words of one case (Title Case, ALL CAPS or lower case), none an ordinary
    English or stop word, no firm's legal form, nothing found in it yet. An envelope, an
    invoice's `Bill to:` and a signature put the person there (`FERGUS PENHALIGON` over
    `1147 MARCHMONT ROAD`); a name no list holds is read by where it stands."""
    more: list[Detection] = []
    for index, d in enumerate(detections):
        if d.entity_type != "ADDRESS":
            continue
        line_end = original.rfind("\n", max(0, d.start - _ADDRESSEE_REACH), d.start)
        if line_end <= 0 or original[line_end + 1 : d.start].strip(" \t"):
            continue  # the address does not start its line, or no line is above it
        line_start = original.rfind("\n", max(0, line_end - _ADDRESSEE_REACH), line_end) + 1
        m = _NAME_LINE.fullmatch(original, line_start, line_end)
        if m is None or (index and detections[index - 1].end > line_start):
            continue
        start, end = m.span("name")
        if _addressee(original, start, end):
            more.append(Detection("PERSON", start, end, ADDRESSEE_SCORE))
    return _merged(detections, more)


def _addressee(original: str, start: int, end: int) -> bool:
    words = original[start:end].split()
    one_case = all(w[:1].isupper() for w in words) or all(w.islower() for w in words)
    return (
        one_case
        and all(unusual_word(w.lower()) for w in words)
        and not in_a_firm(original, start, end)
    )


PHONE_AFTER_ADDRESS_SCORE = 0.6
"""The score of a number read as a phone number for standing right after an address."""

_NUMBER_AFTER = re.compile(
    r"[ \t]*,?[ \t]*(?P<number>\+?\d[\d \t\-]{5,17}\d)(?=[ \t]*(?:$|[,.;)\n]))"
)
"""A run of digits (spaces and dashes between them) right after an address, to the line's
or the clause's end: `12 Main St, Springfield, IL 62701, 234 5678`."""


def _with_numbers_after_addresses(original: str, detections: list[Detection]) -> list[Detection]:
    """`detections` and a PHONE_NUMBER for each number of 7 to 15 digits that follows an address
    on its line with no word between them: a contact line written address first, then the
    phone with no word for it (the phone recognizer needs a cue for a short national number,
    as such a number alone may be anything)."""
    more: list[Detection] = []
    for index, d in enumerate(detections):
        if d.entity_type != "ADDRESS":
            continue
        m = _NUMBER_AFTER.match(original, d.end)
        if m is None:
            continue
        digits = sum(c.isdigit() for c in m.group("number"))
        following = detections[index + 1].start if index + 1 < len(detections) else len(original)
        if 7 <= digits <= 15 and m.end("number") <= following:
            more.append(
                Detection(
                    "PHONE_NUMBER", m.start("number"), m.end("number"), PHONE_AFTER_ADDRESS_SCORE
                )
            )
    return _merged(detections, more)


def _with_particles(original: str, detections: list[Detection]) -> list[Detection]:
    """Each PERSON grown over the surname particles at its edges (see `name_edges`), where
    that takes in no other detection."""
    out: list[Detection] = []
    for index, d in enumerate(detections):
        if d.entity_type == "PERSON":
            start, end = name_edges.grown(original, d.start, d.end)
            low = out[-1].end if out else 0
            high = detections[index + 1].start if index + 1 < len(detections) else len(original)
            if (start, end) != (d.start, d.end) and low <= start and end <= high:
                d = Detection("PERSON", start, end, d.score)
        out.append(d)
    return out


def _with_list_items(original: str, detections: list[Detection]) -> list[Detection]:
    """`detections` and the other items of lists mostly of found names or places, or led by a
    word for people (see `list_items`), scored as the lowest found of their kind."""
    more = list_items.spread(
        original, [list_items.Found(d.entity_type, d.start, d.end) for d in detections]
    )
    if not more:
        return detections
    lowest = {
        kind: min(
            (d.score for d in detections if d.entity_type == kind), default=list_items.CUED_SCORE
        )
        for kind in {f.entity_type for f in more}
    }
    added = [Detection(f.entity_type, f.start, f.end, lowest[f.entity_type]) for f in more]
    return _merged(detections, added)


def _with_echoes(original: str, detections: list[Detection]) -> list[Detection]:
    """`detections` and a PERSON at each later mention of a found name (see `name_echoes`)."""
    persons = [(d.start, d.end, d.score) for d in detections if d.entity_type == "PERSON"]
    if not persons:
        return detections
    taken = [(d.start, d.end) for d in detections]
    score = min(p[2] for p in persons)
    more = [
        Detection("PERSON", a, b, score)
        for a, b in echoes(original, [(p[0], p[1]) for p in persons], taken)
    ]
    return _merged(detections, more)


_JOINED_TYPES = frozenset({"PERSON", "LOCATION", "ADDRESS"})


_LINE_BREAK_GAP = re.compile(r"[ \t]*\r?\n[ \t]*")


def _join_neighbours(original: str, detections: list[Detection]) -> list[Detection]:
    """Two names or places of one type a space apart are one value (`Dias` `do Galho` found by
    two recognizers): one placeholder, and no space between them left in clear. So are two
    parts of a name a line break apart, one of them a single word (`Ursula` / `Hoffmann`,
    `Ana Paula` / `Magalhães`): a name a mail client or a person wrapped."""
    out: list[Detection] = []
    for d in detections:
        last = out[-1] if out else None
        if last is not None and (
            (
                last.entity_type == d.entity_type
                and d.entity_type in _JOINED_TYPES
                and 0 < d.start - last.end <= 2
                and not original[last.end : d.start].strip(" \t")
            )
            or _wrapped_name(original, last, d)
        ):
            out[-1] = Detection(d.entity_type, last.start, d.end, max(last.score, d.score))
        else:
            out.append(d)
    return out


def _wrapped_name(original: str, first: Detection, second: Detection) -> bool:
    if first.entity_type != "PERSON" or second.entity_type != "PERSON":
        return False
    if not _LINE_BREAK_GAP.fullmatch(original, first.end, second.start):
        return False
    one_word = [not any(c.isspace() for c in original[d.start : d.end]) for d in (first, second)]
    return any(one_word)


def _merged(detections: list[Detection], more: list[Detection]) -> list[Detection]:
    """`detections` and `more` in text order (`detections` itself when nothing is added)."""
    return sorted([*detections, *more], key=lambda d: d.start) if more else detections
