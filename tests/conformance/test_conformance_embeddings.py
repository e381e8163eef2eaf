"""Embeddings in the shared conformance suite (#16): every adapter whose provider serves them.

The recorded answer parses to one vector per input; the fake's `echo` model
returns `echo_vector` of each text it received, so the inputs, their order and
the requested dimensions are checked on the wire; recorded errors map to the
same gRPC status as chat; the deadline bounds the call.
"""

from __future__ import annotations

import time

import pytest

from modelgw.providers.base import EmbeddingBackend, EmbeddingRequest
from modelgw.providers.echo import echo_vector
from modelgw.providers.features import Feature, backend_features
from modelgw.providers.transport.errors import ProviderError
from tests.conformance.conftest import Harness

pytestmark = pytest.mark.timeout(60)

TEXTS = ["The parcel for <PERSON_1> is late", "Refund <IBAN_CODE_1> today"]


def _request(model: str, **kwargs) -> EmbeddingRequest:
    return EmbeddingRequest(model=model, inputs=list(TEXTS), request_id="conformance-e", **kwargs)


def _skip_without_embeddings(harness: Harness) -> None:
    if harness.spec.recorded_embeddings is None:
        pytest.skip(f"{harness.spec.id}: the adapter serves no embeddings")


async def test_backends_declare_embeddings_as_they_serve_them(harness: Harness) -> None:
    async with harness.backend() as backend:
        declared = Feature.EMBEDDINGS in backend_features(backend)
        assert declared is (harness.spec.recorded_embeddings is not None)
        assert not declared or isinstance(backend, EmbeddingBackend)


async def test_recorded_embeddings(harness: Harness) -> None:
    _skip_without_embeddings(harness)
    assert harness.spec.recorded_embeddings is not None
    count, dimensions, tokens = harness.spec.recorded_embeddings
    async with harness.backend() as backend:
        assert isinstance(backend, EmbeddingBackend)
        response = await backend.embed(_request("recorded"))
    assert len(response.vectors) == count
    assert all(len(v) == dimensions for v in response.vectors)
    assert response.usage.prompt_tokens == tokens


async def test_inputs_order_and_dimensions_on_the_wire(harness: Harness) -> None:
    _skip_without_embeddings(harness)
    async with harness.backend() as backend:
        assert isinstance(backend, EmbeddingBackend)
        response = await backend.embed(_request("echo", dimensions=16))
    assert response.vectors == [pytest.approx(echo_vector(t, 16)) for t in TEXTS]
    assert response.usage.prompt_tokens == sum(len(t.split()) for t in TEXTS)


async def test_embedding_errors_and_deadline(harness: Harness) -> None:
    _skip_without_embeddings(harness)
    case = harness.spec.embedding_error
    assert case is not None
    async with harness.backend() as backend:
        assert isinstance(backend, EmbeddingBackend)
        with pytest.raises(ProviderError) as caught:
            await backend.embed(_request(f"error-{case.fixture}"))
        assert caught.value.code == case.code and caught.value.retryable is case.retryable
        before = len(harness.server.requests)
        with pytest.raises(ProviderError) as late:
            await backend.embed(_request("echo", deadline=time.monotonic() - 1))
        assert late.value.code.name == "DEADLINE_EXCEEDED"
        assert len(harness.server.requests) == before, "an expired request is never sent"
