"""Lazy NLP artefacts and the narrowed context enhancer change no score (#13 speed)."""

from __future__ import annotations

import pytest
import spacy
from hypothesis import example, given, settings
from hypothesis import strategies as st
from presidio_analyzer import EntityRecognizer, RecognizerResult
from presidio_analyzer.context_aware_enhancers import LemmaContextAwareEnhancer
from presidio_analyzer.nlp_engine import NlpArtifacts
from presidio_analyzer.predefined_recognizers import (
    EmailRecognizer,
    UsBankRecognizer,
    UsLicenseRecognizer,
    UsSsnRecognizer,
)
from spacy.language import Language

from modelgw.trust.context_enhancer import BisectingContextEnhancer
from modelgw.trust.nlp_artifacts import KeywordVocabulary, LazyNlpArtifacts
from modelgw.trust.recognizers.ip_address import IpAddressRecognizer

TEXTS = [
    "My social security number is 078-05-1120, email me at ann.lee@example.com.",
    "ssn: 219-09-9999 (server 10.0.0.12), mail: bob@example.org; the SSN again 219-09-9999",
    "Nothing here but words: the, a, an, and punctuation!!! ... ::: a:b:c",
    "",
]


class _PlainVocabulary:
    """What Presidio's spaCy engine answers: the vocabulary's flags, looked up every time."""

    def __init__(self, nlp: Language) -> None:
        self._vocab = nlp.vocab

    def is_stopword(self, word: str, language: str) -> bool:
        return bool(self._vocab[word].is_stop)

    def is_punct(self, word: str, language: str) -> bool:
        return bool(self._vocab[word].is_punct)


@pytest.fixture(scope="module")
def nlp() -> Language:
    return spacy.blank("en")


def _eager(nlp: Language, text: str) -> NlpArtifacts:
    """The artefacts as the detector built them before: all at once, by Presidio."""
    doc = nlp.make_doc(text)
    return NlpArtifacts(
        entities=[],
        tokens=doc,
        tokens_indices=[t.idx for t in doc],
        lemmas=[t.lower_ for t in doc],
        nlp_engine=_PlainVocabulary(nlp),
        language="en",
    )


def _lazy(nlp: Language, text: str, vocabulary: KeywordVocabulary) -> LazyNlpArtifacts:
    return LazyNlpArtifacts(text, nlp, vocabulary, "en", nlp_engine=None)  # type: ignore[arg-type]  # no engine is read


@pytest.mark.parametrize("text", TEXTS)
def test_lazy_artefacts_equal_presidios(nlp: Language, text: str) -> None:
    vocabulary = KeywordVocabulary(nlp, size=3)  # tiny: the memory starts again mid-text
    eager, lazy = _eager(nlp, text), _lazy(nlp, text, vocabulary)
    assert lazy.tokens_indices == eager.tokens_indices
    assert lazy.lemmas == eager.lemmas
    assert lazy.keywords == eager.keywords
    for word in [*eager.lemmas, "ssn", "the", "", "a:b"]:  # the enhancer's question
        assert (word in lazy.keywords) == (word in eager.keywords)
    assert [t.text for t in lazy.tokens] == [t.text for t in eager.tokens]


def _findings(
    recognizers: list[EntityRecognizer], text: str, artefacts: NlpArtifacts
) -> list[RecognizerResult]:
    """Each recognizer's findings, tagged with its id as Presidio's analyzer tags them."""
    found: list[RecognizerResult] = []
    for recognizer in recognizers:
        for result in recognizer.analyze(text, [], artefacts):
            result.recognition_metadata = {
                RecognizerResult.RECOGNIZER_IDENTIFIER_KEY: recognizer.id
            }
            found.append(result)
    return found


@pytest.mark.parametrize("text", TEXTS)
def test_narrowed_enhancer_raises_the_same_scores(nlp: Language, text: str) -> None:
    recognizers: list[EntityRecognizer] = [
        EmailRecognizer(),
        UsSsnRecognizer(),
        IpAddressRecognizer(),  # no context words: its findings pass untouched
    ]
    stock = LemmaContextAwareEnhancer().enhance_using_context(
        text, _findings(recognizers, text, _eager(nlp, text)), _eager(nlp, text), recognizers
    )
    lazy = _lazy(nlp, text, KeywordVocabulary(nlp))
    ours = BisectingContextEnhancer().enhance_using_context(
        text, _findings(recognizers, text, lazy), lazy, recognizers
    )
    if text.startswith("ssn"):  # the case that matters: context raised a score
        assert {r.score for r in stock if r.entity_type == "US_SSN"} == {0.85}
    assert [(r.entity_type, r.start, r.end, r.score) for r in ours] == [
        (r.entity_type, r.start, r.end, r.score) for r in stock
    ]


def test_no_artefacts_are_built_without_a_finding_to_raise(nlp: Language) -> None:
    text = "server 10.0.0.12 and 10.0.0.13"
    lazy = _lazy(nlp, text, KeywordVocabulary(nlp))
    recognizers: list[EntityRecognizer] = [IpAddressRecognizer(), EmailRecognizer()]
    found = _findings(recognizers, text, lazy)
    assert len(found) == 2
    assert BisectingContextEnhancer().enhance_using_context(text, found, lazy, recognizers) == found
    assert "tokens" not in vars(lazy)  # never tokenised


def test_a_finding_at_the_top_score_is_not_raised_and_builds_no_artefacts(nlp: Language) -> None:
    """A validated e-mail address scores 1.0: Presidio adds to it and caps it at 1.0 again."""
    text = "my email is ann.lee@example.com, my bank account 12345678 at the bank"
    recognizers: list[EntityRecognizer] = [EmailRecognizer(), UsBankRecognizer()]
    stock = LemmaContextAwareEnhancer().enhance_using_context(
        text, _findings(recognizers, text, _eager(nlp, text)), _eager(nlp, text), recognizers
    )
    assert [(r.entity_type, r.score) for r in stock] == [
        ("EMAIL_ADDRESS", 1.0),  # `email` stands right before it: no change
        ("US_BANK_NUMBER", 0.4),  # raised by `bank`, `account`
    ]
    lazy = _lazy(nlp, text, KeywordVocabulary(nlp))
    ours = BisectingContextEnhancer().enhance_using_context(
        text, _findings(recognizers, text, lazy), lazy, recognizers
    )
    assert [(r.entity_type, r.start, r.end, r.score) for r in ours] == [
        (r.entity_type, r.start, r.end, r.score) for r in stock
    ]
    mail: list[EntityRecognizer] = [EmailRecognizer()]
    lazy = _lazy(nlp, text, KeywordVocabulary(nlp))
    enhanced = BisectingContextEnhancer().enhance_using_context(
        text, _findings(mail, text, lazy), lazy, mail
    )
    assert [r.score for r in enhanced] == [1.0]
    assert "tokens" not in vars(lazy)  # never tokenised


CONTEXT_PIECES = [
    *("12345678", "123456789", "078-05-1120", "A1234567", "acct", "Account", "ACCOUNT#"),
    *("bank", "ssn:", "social", "security", "driver", "license", "lic#", "the", "my"),
    *(" ", "  ", "\n", "\t", ":", "-", ".", ",", "(", ")", "İ", "Σ", "ß", "x"),
]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(CONTEXT_PIECES), max_size=16))
@example(["12345678", ":", "12345678", " ", "acct"])  # one token, not a keyword: read on
@example(["12345678", ":", "12345678", " ", "the", " ", "acct"])
@example(["x", ":", "12345678", " ", "my", " ", "bank"])
def test_the_context_word_gate_keeps_presidios_scores(nlp: Language, pieces: list[str]) -> None:
    """Findings with no context word before them are left out of the enhancer: every score
    is still Presidio's, wherever the words, codes and spaces fall."""
    text = "".join(pieces)
    recognizers: list[EntityRecognizer] = [
        UsBankRecognizer(),
        UsSsnRecognizer(),
        UsLicenseRecognizer(),
    ]
    stock = LemmaContextAwareEnhancer().enhance_using_context(
        text, _findings(recognizers, text, _eager(nlp, text)), _eager(nlp, text), recognizers
    )
    lazy = _lazy(nlp, text, KeywordVocabulary(nlp))
    ours = BisectingContextEnhancer().enhance_using_context(
        text, _findings(recognizers, text, lazy), lazy, recognizers
    )
    assert [(r.entity_type, r.start, r.end, r.score) for r in ours] == [
        (r.entity_type, r.start, r.end, r.score) for r in stock
    ]


def test_no_context_word_before_a_finding_builds_no_artefacts(nlp: Language) -> None:
    text = "ticket 12345678 was closed; see the account page"  # `account` only after it
    recognizers: list[EntityRecognizer] = [UsBankRecognizer()]
    lazy = _lazy(nlp, text, KeywordVocabulary(nlp))
    found = _findings(recognizers, text, lazy)
    assert [r.score for r in found] == [0.05]
    assert BisectingContextEnhancer().enhance_using_context(text, found, lazy, recognizers) == found
    assert "tokens" not in vars(lazy)
    raised = "account 12345678"
    lazy = _lazy(nlp, raised, KeywordVocabulary(nlp))
    found = _findings(recognizers, raised, lazy)
    assert [
        r.score
        for r in BisectingContextEnhancer().enhance_using_context(raised, found, lazy, recognizers)
    ] == [0.4]
