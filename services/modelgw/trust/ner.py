"""Named-entity recognition with only the spaCy component it needs, on the parts that need it.

Stock Presidio runs the model's whole pipeline (tok2vec, tagger, parser,
attribute ruler, lemmatizer, ner); finding PERSON and LOCATION only needs
`ner`, which carries its own embedding layer in the small English model.
With `ner_scope = windows` the model reads only windows of a few words
around capitalised words (where a name or a place can be), which is most
of the saving on long prose. The model has learnt names from their capitals,
so the copy it reads is written as in mixed case (same length, so offsets
hold): ALL CAPS words title-cased unless they are ordinary English words, and
in lower-case lines the unusual words capitalised (and read in windows too).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from functools import cache

from modelgw.common.config.trust import NerScope
from modelgw.trust.name_lists import NameLists
from modelgw.trust.ner_review import ORG_PERSON_SCORE, person_named_as_org, plausible_person
from modelgw.trust.plain_words import Strength, load_plain_words, unusual_word
from modelgw.trust.stop_words import english_stop_words

# spaCy label → our entity type.
LABELS = {
    "PERSON": "PERSON",
    "PER": "PERSON",
    "GPE": "LOCATION",
    "LOC": "LOCATION",
    "FAC": "LOCATION",
}
WINDOW_WORDS = 2
"""Words of context kept on each side of a candidate word. Two found the same PERSON and
LOCATION spans as four on the evaluation set and the benchmark texts, reading a quarter less."""
_FULL_TEXT_SHARE = 0.7
"""If the windows would cover more than this share of a text, read it whole."""
_WORD = re.compile(r"\S+")
_NAME_LIKE = re.compile(r"[^\d=_@/\\:]+")
_HAS_DIGIT = re.compile(r"\d")
_NO_VOWEL_CAPS = re.compile(r"[B-DF-HJ-NP-TV-Z]{2,}")
_SKIP_WORDS = {
    "I",
    "Hi",
    "Hello",
    "Hey",
    "Dear",
    "Thanks",
    "Thank",
    "Please",
    "Regards",
    "Best",
    "Yes",
    "No",
    "Ok",
    "OK",
    "Sure",
    "Note",
    "Subject",
    "Re",
    "Fwd",
    "Can",
    "Could",
    "Would",
    "Should",
    "Let",
    "Send",
    "Write",
    "Call",
    "Email",
    "Also",
    "Today",
    "Tomorrow",
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
}


@cache
def _skip_capitalised() -> frozenset[str]:
    """Capitalised words that start no name: spaCy's stop words and `_SKIP_WORDS`.

    Read on first use, not at import, and without importing spaCy (`stop_words`): the
    gateway process plans the windows, and spaCy costs about 0.8 s and 50 MiB there.
    """
    return frozenset(w.capitalize() for w in english_stop_words()) | _SKIP_WORDS


def load_word_lists() -> None:
    """Read the words `candidate_windows` skips now, so the first request does not wait."""
    _skip_capitalised()


@dataclass(frozen=True, slots=True)
class NerSpan:
    entity_type: str
    start: int
    end: int
    score: float = 0.85


# Acronyms that are not names; title-cased they look like one ("Ssn") to the model.
_ACRONYMS = frozenset(
    [
        "SSN",
        "IBAN",
        "NHS",
        "ATM",
        "CEO",
        "CFO",
        "CTO",
        "VAT",
        "PIN",
        "API",
        "URL",
        "HTTP",
        "HTTPS",
        "SQL",
        "AWS",
        "GCP",
        "JSON",
        "XML",
        "CSV",
        "PDF",
        "USA",
        "FAQ",
        "ETA",
        "ASAP",
        "FYI",
        "RSVP",
        "BIC",
        "SWIFT",
        "DOB",
        "KYC",
        "AML",
        "GDPR",
        "HIPAA",
        "IRS",
        "EIN",
        "ITIN",
        "SSO",
        "MFA",
        "VPN",
        "DNS",
        "TLS",
        "SSH",
        "URGENT",
        "NOTE",
        "IMPORTANT",
        "RE",
        "FWD",
        "INVOICE",
        "ORDER",
        "THE",
        "AND",
        "FOR",
        "FROM",
        "CALLED",
        "ABOUT",
        "WITH",
    ]
)


_NOT_PLACES = _ACRONYMS - {"USA"}
"""Acronyms that need no NER window of their own (`USA` is a place: it keeps one)."""


_CAPS_WORD = re.compile(r"(?<![\w'\u2019\-])[^\W\d_a-z]{2,}(?:['\u2019\-][^\W\d_]+)*(?![\w])")


def _title_case_all_caps(text: str) -> str:
    """ALL CAPS words as a writer in mixed case would have them: ordinary English words (also
    those that are names as often, `BOB`, `ASK`) and stop words lower case (`PER`, `REQUEST`),
    acronyms kept, the others title-cased (`GÜLÇÖHRƏ`, `KHALSA'S`): the model reads a
    sentence it has seen the like of, not one of capitalised words. A case mapping that would
    change the length (offsets must hold) is not made."""
    words = load_plain_words()
    stop = english_stop_words()

    def fix(match: re.Match[str]) -> str:
        word = match.group(0)
        if not word.isupper():
            return word
        lower = word.lower()
        head = lower.split("'", 1)[0].split("\u2019", 1)[0]
        if head in stop or words.strength(head) is not Strength.NONE:
            cased = lower
        elif word in _ACRONYMS:
            return word
        else:
            cased = word[0] + lower[1:]
        return cased if len(cased) == len(word) else word

    return _CAPS_WORD.sub(fix, text)


_LOWER_WORD = re.compile(r"(?<![\w'\u2019\-@.])[^\W\d_A-Z]{3,}(?![\w'\u2019\-@]|\.\w)")
"""A word of a lower-case line that may be written capitalised for the model: letters only,
not a piece of an address, a domain or a hyphenated word."""


def _lower_case_lines(text: str) -> list[tuple[int, int]]:
    """The lines of `text` with letters and none of them capital: typed in lower case, so
    names in them are too, and the model (which learnt names from their capitals) misses
    them unless they are written capitalised in what it reads."""
    if not any(c.islower() for c in text):
        return []
    out: list[tuple[int, int]] = []
    at = 0
    for line in text.split("\n"):
        if line.islower():
            out.append((at, at + len(line)))
        at += len(line) + 1
    return out


def _unusual(word: str) -> bool:
    """A word that may be a name: no stop word nor ordinary English word, longer than an
    acronym (`ssn`, `nps`), and capitalised at the same length."""
    return len(word) > 3 and unusual_word(word) and len(word[0].upper()) == 1


def unlikely_in_lower_case(entity_type: str, text: str, start: int, end: int) -> bool:
    """Whether the model's span `start`-`end` of `text`, in a lower-case line, is more likely
    a guess from the capitals it was given than a name or a place: a PERSON of one word (a
    lone unusual word there is as often a product or a tool, `northwind`, `callback`, and the
    name lists judge those; keeping them: 0.3 points fewer dev texts with a leak, 0.5 points
    less precision), or a span with a digit or with no word that was capitalised for the
    model (`nps`, `street`, `o.o.`, `port 4193 ssh2`: the model ran on from a neighbour)."""
    value = text[start:end]
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    if not text[line_start : len(text) if line_end < 0 else line_end].islower():
        return False
    if entity_type == "PERSON" and " " not in value.strip():
        return True
    if any(c.isdigit() for c in value):
        return True
    return not any(_unusual(m.group(0)) for m in _LOWER_WORD.finditer(value))


def candidate_windows(text: str, window: int = WINDOW_WORDS) -> list[tuple[int, int]]:
    """Character ranges the NER model must read to find every capitalised name in `text`,
    and every unusual word of its lower-case lines (see `model_input`)."""
    skip = _skip_capitalised()
    words = [(m.start(), m.end(), m.group(0)) for m in _WORD.finditer(text)]
    lower = _lower_case_lines(text)
    starts = [a for a, _ in lower]
    ranges: list[tuple[int, int]] = []
    for i, (at, _, word) in enumerate(words):
        bare = word.strip("\"'()[]{},.;:!?")
        if lower and _in_lines(lower, starts, at):
            if not (_LOWER_WORD.fullmatch(bare) and _unusual(bare)):
                continue
        elif not bare or not bare[0].isupper() or bare in skip:
            continue
        if _HAS_DIGIT.search(bare) or bare in _NOT_PLACES or _NO_VOWEL_CAPS.fullmatch(bare):
            continue  # `DE89…`, `IBAN`, `NWBK`: codes and acronyms, never a name or a place
        start = words[max(0, i - window)][0]
        end = words[min(len(words) - 1, i + window)][1]
        if ranges and start <= ranges[-1][1] + 1:
            ranges[-1] = (ranges[-1][0], max(end, ranges[-1][1]))
        else:
            ranges.append((start, end))
    return ranges


def _in_lines(lines: list[tuple[int, int]], starts: list[int], at: int) -> bool:
    """Whether offset `at` is in one of `lines` (sorted; `starts` their starts)."""
    index = bisect_right(starts, at) - 1
    return index >= 0 and at < lines[index][1]


class NerModel:
    """The spaCy model with every component but `ner` excluded. Thread-safe for `spans`."""

    def __init__(self, model: str, names: NameLists | None = None) -> None:
        import spacy
        from spacy.pipeline import TrainablePipe

        from modelgw.trust.ner_tok2vec import fuse  # imports thinc: only where the model runs

        self._names = names
        probe = spacy.load(
            model,
            exclude=[
                "tok2vec",
                "tagger",
                "parser",
                "attribute_ruler",
                "lemmatizer",
                "senter",
                "morphologizer",
            ],
        )
        if "ner" not in probe.pipe_names:
            raise ValueError(f"spaCy model {model!r} has no `ner` component")
        ner = probe.get_pipe("ner")
        if isinstance(ner, TrainablePipe) and ner.model.has_ref("tok2vec"):
            fuse(ner.model.get_ref("tok2vec"))  # the same vectors with less Python
        self.nlp = probe

    def spans(self, inputs: list[str], batch_size: int = 32) -> list[list[NerSpan]]:
        """NER spans for each input (see `ner_pieces`, `model_input`), `batch_size` inputs a
        model call.

        spaCy's parser cuts each batch `pipe` gives it into quarters (sorted by length) and
        runs the model once per quarter; each run costs ~1 ms before its first token. So
        `pipe` is given four times `batch_size`: the ~20 windows of a 4 KB message are one
        run, not three (~1 ms less NER per such message). A window's entities do not depend
        on the others in its run: the network reads each apart (spaCy pads between them),
        and the same spans came out with runs of 2, 8 and 32 windows on the dev and bench
        texts.
        """
        found: list[list[NerSpan]] = []
        for doc in self.nlp.pipe(inputs, batch_size=4 * batch_size):
            spans: list[NerSpan] = []
            for ent in doc.ents:
                entity_type = LABELS.get(ent.label_)
                if ent.label_ == "ORG" and self._person_as_org(
                    doc.text, ent.start_char, ent.end_char
                ):
                    spans.append(NerSpan("PERSON", ent.start_char, ent.end_char, ORG_PERSON_SCORE))
                    continue
                if entity_type == "PERSON" and not _NAME_LIKE.fullmatch(ent.text):
                    continue  # digits, "=" or "_" in it: an identifier, not a name
                if entity_type is None:
                    continue
                for span in _line_by_line(entity_type, ent.text, ent.start_char):
                    if self._plausible(doc.text, span):
                        spans.append(span)
            found.append(spans)
        return found

    def _person_as_org(self, text: str, start: int, end: int) -> bool:
        return self._names is not None and person_named_as_org(text, start, end, self._names)

    def _plausible(self, text: str, span: NerSpan) -> bool:
        if span.entity_type != "PERSON" or self._names is None:
            return True
        return plausible_person(text, span.start, span.end, self._names)


def _line_by_line(entity_type: str, text: str, start: int) -> list[NerSpan]:
    """An entity the model ran over a line break is one entity per line.

    `Carl-Heinz Junitz\nTröst\nHans-Ulrich-Eberhardt-Gasse` (a signature: name, company,
    street) is three things; as one span it would compete with the address after it.
    """
    spans: list[NerSpan] = []
    offset = 0
    for line in text.split("\n"):
        if line.strip():
            lead = len(line) - len(line.lstrip())
            spans.append(
                NerSpan(entity_type, start + offset + lead, start + offset + len(line.rstrip()))
            )
        offset += len(line) + 1
    return spans


def ner_pieces(text: str, scope: NerScope) -> list[tuple[int, int]]:
    """The character ranges of `text` the NER model reads (none for a blank text)."""
    if not text.strip():
        return []
    if scope is NerScope.FULL:
        return [(0, len(text))]
    windows = candidate_windows(text)
    if sum(e - s for s, e in windows) > _FULL_TEXT_SHARE * len(text):
        return [(0, len(text))]
    return windows


def model_inputs(text: str, pieces: list[tuple[int, int]]) -> list[str]:
    """What the model reads for each piece `start`-`end` of `text`: ALL CAPS words and the
    unusual words of lower-case lines written as in mixed case (same length). The lower-case
    lines are found once for all the pieces."""
    lower = _lower_case_lines(text)
    return [_model_input(text, start, end, lower) for start, end in pieces]


def model_input(text: str, start: int = 0, end: int | None = None) -> str:
    """`model_inputs` for one piece (the whole text by default)."""
    return model_inputs(text, [(start, len(text) if end is None else end)])[0]


def _model_input(text: str, start: int, end: int, lower_lines: list[tuple[int, int]]) -> str:
    piece = _title_case_all_caps(text[start:end])
    lower = [(a, b) for a, b in lower_lines if a < end and start < b]
    if not lower:
        return piece
    chars = list(piece)
    for a, b in lower:
        for m in _LOWER_WORD.finditer(text, max(a, start), min(b, end)):
            if _unusual(m.group(0)):
                chars[m.start() - start] = m.group(0)[0].upper()
    return "".join(chars)
