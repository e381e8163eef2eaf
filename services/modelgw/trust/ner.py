"""Named-entity recognition with only the spaCy component it needs, on the parts that need it.

Stock Presidio runs the model's whole pipeline (tok2vec, tagger, parser,
attribute ruler, lemmatizer, ner); finding PERSON and LOCATION only needs
`ner`, which carries its own embedding layer in the small English model.
With `ner_scope = windows` the model reads only windows of a few words
around capitalised words (where a name or a place can be), which is most
of the saving on long prose; the unusual words of lower-case lines get
windows too. How each piece is written for the model (as in mixed case, since
it learnt names from their capitals) is `ner_input`'s.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from modelgw.common.config.trust import NerScope
from modelgw.trust.name_lists import NameLists
from modelgw.trust.ner_input import ACRONYMS, LOWER_WORD, in_lines, lower_case_lines, unusual
from modelgw.trust.ner_review import ORG_PERSON_SCORE, person_named_as_org, plausible_person
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


_NOT_PLACES = ACRONYMS - {"USA"}
"""Acronyms that need no NER window of their own (`USA` is a place: it keeps one)."""


def candidate_windows(text: str, window: int = WINDOW_WORDS) -> list[tuple[int, int]]:
    """Character ranges the NER model must read to find every capitalised name in `text`,
    and every unusual word of its lower-case lines (see `model_input`)."""
    skip = _skip_capitalised()
    words = [(m.start(), m.end(), m.group(0)) for m in _WORD.finditer(text)]
    lower = lower_case_lines(text)
    starts = [a for a, _ in lower]
    ranges: list[tuple[int, int]] = []
    for i, (at, _, word) in enumerate(words):
        bare = word.strip("\"'()[]{},.;:!?")
        if lower and in_lines(lower, starts, at):
            if not (LOWER_WORD.fullmatch(bare) and unusual(bare)):
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
