"""docs/http-api.md names every request field and endpoint the HTTP front door has (#16).

The document is where a client developer learns which OpenAI fields are
supported, refused or dropped; a field added to the request models without a
line there fails here.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel

from modelgw.gateway.http.embedding_models import EmbeddingRequestIn
from modelgw.gateway.http.models import ChatCompletionRequest, ChatMessageIn, StreamOptions
from modelgw.gateway.http.openapi import document

DOC = (Path(__file__).resolve().parents[2] / "docs" / "http-api.md").read_text()


def _fields(model: type[BaseModel]) -> set[str]:
    return {field.alias or name for name, field in model.model_fields.items()}


def test_every_request_field_is_documented() -> None:
    missing = {
        name
        for model in (ChatCompletionRequest, ChatMessageIn, EmbeddingRequestIn, StreamOptions)
        for name in _fields(model)
        if f"`{name}`" not in DOC and f"`stream_options.{name}`" not in DOC
    }
    assert missing == set(), f"document these fields in docs/http-api.md: {sorted(missing)}"


def test_every_endpoint_is_documented() -> None:
    for path in document()["paths"]:
        assert f"{path}`" in DOC, path
