"""Presidio's context enhancer, with its token lookup by bisection instead of a scan.

Presidio raises a recognizer's score when a context word (`phone`, `ssn`) stands
near its match; to find the words around a match it looks up the token the
match starts in by walking the document's tokens from the first one, building
a spaCy `Token` object for each. That is O(tokens) per finding: on a 4 KB
message it was a fifth of all detection time (py-spy and cProfile of
`Detector.analyze_many`). The token offsets are already a sorted list, so a
bisection finds the same token: the first whose end lies past the match start.

Only findings of a recognizer with context words can be raised (Presidio skips
the rest), yet Presidio deep-copies every finding first and needs the text's
NLP artefacts: here only those findings go through it, the others pass as they
are, and a text with none never builds its artefacts (`nlp_artifacts`). A
finding already at the top score cannot be raised either (Presidio adds to it,
then caps it at that score): a validated e-mail address, on most messages the
only finding with context words, no longer makes the text be tokenised.

Nor can a finding be raised when none of its recognizer's context words stands in the
text before it: Presidio reads the words of the tokens up to the one the finding starts in
(six keywords back counting that token, and forward until one keyword: that token itself
when it is one, as a number or code is), each a piece of a token lower-cased, and a
context word counts when it is a part of one of them. So when that token is a keyword, a
context word that is nowhere in the text up to its end (it holds no whitespace),
lower-cased, is in none of them; such a finding passes as it is too (on 1 KB business messages, the
licence-like codes with no `driver` or `license` before them: about half the texts that
were tokenised for the enhancer no longer are).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from typing import Any

from presidio_analyzer import EntityRecognizer, RecognizerResult
from presidio_analyzer.context_aware_enhancers import (
    ContextAwareEnhancer,
    LemmaContextAwareEnhancer,
)
from presidio_analyzer.nlp_engine import NlpArtifacts


class BisectingContextEnhancer(LemmaContextAwareEnhancer):
    def enhance_using_context(
        self,
        text: str,
        raw_results: list[RecognizerResult],
        nlp_artifacts: NlpArtifacts,
        recognizers: list[EntityRecognizer],
        context: list[str] | None = None,
    ) -> list[RecognizerResult]:
        """Presidio's enhancement of the findings it can raise; the others unchanged, in place."""
        with_context = {r.id: r for r in recognizers if r.context}
        top = ContextAwareEnhancer.MAX_SCORE
        hopeful = [
            r.score != top and _said_before(text, r, with_context.get(_by(r)), context)
            for r in raw_results
        ]
        if not any(hopeful):
            return list(raw_results)
        raised = iter(
            super().enhance_using_context(
                text,
                [r for r, h in zip(raw_results, hopeful, strict=True) if h],
                nlp_artifacts,
                recognizers,
                context,
            )
        )
        return [next(raised) if h else r for r, h in zip(raw_results, hopeful, strict=True)]

    @staticmethod
    def _find_index_of_match_token(
        word: str, start: int, tokens: Any, tokens_indices: list[int]
    ) -> int:
        """The index of the first token that starts at `start` or ends after it (Presidio's
        rule), found by bisection over the tokens' start offsets."""
        if not tokens_indices:
            raise ValueError(f"Did not find word {word!r} in an empty list of tokens")
        index = max(0, bisect_right(tokens_indices, start) - 1)
        if tokens_indices[index] != start and tokens_indices[index] + len(tokens[index]) <= start:
            index += 1  # `start` is in the space after token `index`: the next one covers it
        if index >= len(tokens_indices):
            raise ValueError(f"Did not find word {word!r} in the list of tokens")
        return index


_WORD_AT = re.compile(r"\w+")
"""The word characters from a finding's first non-space one."""

_TO_TOKEN_END = re.compile(r"\s*\S*")
"""From a finding's start to the end of the token it starts in: whitespace, if the finding
starts there, then the run of other characters (spaCy's tokens hold no whitespace but as
tokens of their own)."""


def _said_before(
    text: str,
    result: RecognizerResult,
    recognizer: EntityRecognizer | None,
    context: list[str] | None,
) -> bool:
    """Whether Presidio could find a context word of `recognizer` for `result`: one stands in
    `text` up to the end of the token `result` starts in (any, if the caller gave context
    words or a recognizer's word is not ASCII: lower-casing then is not read the same)."""
    if recognizer is None:
        return False
    words = [w.lower() for w in recognizer.context]
    if context or not all(w.isascii() for w in words):
        return True
    reach = _TO_TOKEN_END.match(text, result.start)
    end = reach.end() if reach is not None else len(text)
    if _read_on(text, end - len(text[result.start : end].lstrip()), end):
        return True
    before = text[:end].lower()
    return any(w in before for w in words)


def _read_on(text: str, word: int, end: int) -> bool:
    """Whether Presidio may read words after the token a finding starts in (at `word`, its
    run of non-space characters ending at `end`). It reads forward until it has one keyword,
    and the finding's own token counts as one only when its lemma is a keyword: not a stop
    word, not punctuation, and with no `:` (Presidio splits keywords there, so the whole
    lemma is in no list). A run with a `:`, or whose word at the finding has no digit (a stop
    word such as `may`, a lone `+`), may be no keyword: Presidio then decides."""
    run_start = word
    while run_start and not text[run_start - 1].isspace():
        run_start -= 1
    if ":" in text[run_start:end]:
        return True
    piece = _WORD_AT.match(text, word)
    if piece is None:
        return True
    head = word
    while head > run_start and (text[head - 1].isalnum() or text[head - 1] == "_"):
        head -= 1
    return not any(c.isdigit() for c in text[head : piece.end()])


def _by(result: RecognizerResult) -> object:
    """The id of the recognizer that found `result` (None if it did not say)."""
    metadata = result.recognition_metadata or {}
    return metadata.get(RecognizerResult.RECOGNIZER_IDENTIFIER_KEY)
