"""The fused token-to-vector network computes spaCy's vectors bit for bit (#13 speed)."""

from __future__ import annotations

from typing import Any

import pytest
import spacy
from spacy.language import Language
from spacy.pipeline import TrainablePipe
from thinc.api import Linear, Model, chain

from bench.trust.corpus import messages
from modelgw.common.config.trust import TrustConfig
from modelgw.trust.detection_plan import NerUnit, make_plan
from modelgw.trust.ner_tok2vec import fuse

BATCHES = [
    ["x"],
    [" "],
    ["Hello", "", "John Smith lives in Paris"],  # an empty doc between two others
    ["Hi Ana,\n\nthe invoice from Müller GmbH is late. " * 12],
    ["KÖHLER", "Dr. José García-López (Zürich)", "call +1 555 0100", "ok"],
]


_OTHERS = ["tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer", "senter"]


def _load() -> Language:
    """The model as `NerModel` loads it, its NER's network not fused: thinc's layer by layer."""
    return spacy.load(TrustConfig().spacy_model, exclude=_OTHERS)


@pytest.fixture(scope="module")
def nlp() -> Language:
    return _load()


def _tok2vec(nlp: Language) -> Model[Any, Any]:
    ner = nlp.get_pipe("ner")
    assert isinstance(ner, TrainablePipe)
    return ner.model.get_ref("tok2vec")


def _windows() -> list[list[str]]:
    """The NER windows of bench messages, one batch per message, as the detector sends them."""
    texts = messages(3, 1024, 12) + messages(4, 4096, 3)
    plans = [make_plan([(text, (), "t")], TrustConfig().ner_scope) for text in texts]
    return [[u.text for u in plan.units if isinstance(u, NerUnit)] for plan in plans]


def test_the_fused_network_computes_thincs_vectors_bit_for_bit(nlp: Language) -> None:
    tok2vec = _tok2vec(nlp)
    batches = [[nlp.make_doc(t) for t in batch] for batch in [*BATCHES, *_windows()]]
    layered = [tok2vec.predict(docs) for docs in batches]
    assert fuse(tok2vec)
    for docs, expected in zip(batches, layered, strict=True):
        found = tok2vec.predict(docs)
        assert found.dtype == expected.dtype and found.shape == expected.shape
        assert found.tobytes() == expected.tobytes()


def test_the_parser_finds_the_same_entities_with_it(nlp: Language) -> None:
    texts = [t for batch in _windows()[:6] for t in batch]
    fresh = _load()
    before = [[(e.label_, e.start_char, e.end_char) for e in d.ents] for d in fresh.pipe(texts)]
    assert fuse(_tok2vec(fresh))
    after = [[(e.label_, e.start_char, e.end_char) for e in d.ents] for d in fresh.pipe(texts)]
    assert after == before and any(before)


def test_training_takes_thincs_own_path(nlp: Language) -> None:
    tok2vec = _tok2vec(nlp)
    fuse(tok2vec)
    docs = [nlp.make_doc("John Smith lives in Paris")]
    vectors, backprop = tok2vec(docs, is_train=True)
    assert vectors.shape == (5, 64)
    assert backprop is not None  # thinc's callback; the fused path has none to give


def test_another_network_is_left_to_thinc() -> None:
    other: Model[Any, Any] = chain(Linear(4, 3), Linear(2, 4))
    forward = other._func
    assert not fuse(other)
    assert other._func is forward
