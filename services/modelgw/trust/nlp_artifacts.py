"""Presidio's NLP artefacts of a text, built only when the context enhancer reads them.

Presidio's `AnalyzerEngine.analyze` wants, for each text, the spaCy tokens, their
offsets, their lemmas and "keywords" (the lemmas that are neither a stop word
nor punctuation, each looked up in the spaCy vocabulary). Only the context
enhancer reads them, and only for a finding of a recognizer with context
words (Presidio's e-mail, SSN, licence, ... recognizers; ours have none).
Built eagerly they were about a tenth of the pattern recognizers' time on a
1 KB message, also for the many texts with no such finding. Here each is
built on its first read, from the same tokens, by Presidio's own keyword
rule; the vocabulary lookups are remembered per word (`KeywordVocabulary`).
Offsets and lower-case forms are read in one `Doc.to_array` call instead of
making a spaCy `Token` object per token (that was half of the artefacts' time
on a 1 KB message), and a word's keywords are remembered whole.
"""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING

from presidio_analyzer.nlp_engine import NlpArtifacts, NlpEngine

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc


class KeywordVocabulary:
    """Presidio's `is_stopword` and `is_punct` of a spaCy vocabulary, remembered per word.

    A word's lexeme flags never change once spaCy made the lexeme, so an answer
    can be kept; at most `size` words are (then the memory starts again), as the
    words of a long-lived detector process are unbounded.
    """

    def __init__(self, nlp: Language, size: int = 50_000) -> None:
        self._vocab = nlp.vocab
        self._size = size
        self._stop: dict[str, bool] = {}
        self._punct: dict[str, bool] = {}
        self._pieces: dict[str, list[str]] = {}

    def is_stopword(self, word: str, language: str) -> bool:
        return self._flag(self._stop, word, punct=False)

    def is_punct(self, word: str, language: str) -> bool:
        return self._flag(self._punct, word, punct=True)

    def _flag(self, memo: dict[str, bool], word: str, *, punct: bool) -> bool:
        known = memo.get(word)
        if known is None:
            lexeme = self._vocab[word]
            known = bool(lexeme.is_punct if punct else lexeme.is_stop)
            if len(memo) >= self._size:
                memo.clear()
            memo[word] = known
        return known

    def keywords(self, lemmas: list[str], language: str) -> list[str]:
        """`NlpArtifacts.set_keywords(self, lemmas, language)`: each lemma's part of it is
        remembered whole (it depends on the lemma alone), so a known word costs one lookup."""
        memo = self._pieces
        out: list[str] = []
        for lemma in lemmas:
            pieces = memo.get(lemma)
            if pieces is None:
                pieces = NlpArtifacts.set_keywords(self, [lemma], language)
                if len(memo) >= self._size:
                    memo.clear()
                memo[lemma] = pieces
            out.extend(pieces)
        return out


class LazyNlpArtifacts(NlpArtifacts):
    """`NlpArtifacts` of `text` whose tokens, lemmas and keywords are made on first read.

    `tokens` is the tokenizer's `Doc` (no pipeline component runs: NER runs apart),
    `lemmas` the tokens in lower case (the model has no lemmatizer), as the
    detector built them eagerly before.
    """

    def __init__(
        self,
        text: str,
        nlp: Language,
        vocabulary: KeywordVocabulary,
        language: str,
        nlp_engine: NlpEngine,
    ) -> None:
        # Presidio's __init__ computes everything at once; this one computes nothing yet.
        self._text = text
        self._nlp = nlp
        self._vocabulary = vocabulary
        self._language = language
        self.entities = []
        self.scores = []
        self.nlp_engine = nlp_engine

    @cached_property
    def tokens(self) -> Doc:  # type: ignore[override]  # Presidio's is a plain attribute
        return self._nlp.make_doc(self._text)

    @cached_property
    def _offsets_and_lower(self) -> tuple[list[int], list[int]]:
        """Each token's `idx` and its lexeme's `lower` (a string hash), read in C."""
        columns = self.tokens.to_array(["IDX", "LOWER"]).T.tolist()
        return (columns[0], columns[1]) if columns else ([], [])

    @cached_property
    def tokens_indices(self) -> list[int]:  # type: ignore[override]  # an attribute there too
        return self._offsets_and_lower[0]

    @cached_property
    def lemmas(self) -> list[str]:  # type: ignore[override]  # an attribute there too
        """Each token's `lower_` (which is `vocab.strings[lex.lower]`), without the `Token`."""
        strings = self._nlp.vocab.strings
        return [strings[h] for h in self._offsets_and_lower[1]]

    @cached_property
    def keywords(self) -> list[str]:  # type: ignore[override]  # an attribute there too
        return KeywordList(self._vocabulary.keywords(self.lemmas, self._language))


class KeywordList(list[str]):
    """Presidio's keyword list, asked `word in keywords` through a set: the enhancer asks it
    for every word it walks past, and a list answers by comparing each keyword in turn."""

    def __init__(self, keywords: list[str]) -> None:
        super().__init__(keywords)
        self._set = frozenset(keywords)

    def __contains__(self, word: object) -> bool:
        return word in self._set
