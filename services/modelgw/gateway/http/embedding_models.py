"""The OpenAI wire format for embeddings (`POST /v1/embeddings`), as pydantic models."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from modelgw.gateway.http.models import INT64


class EmbeddingRequestIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid", strict=True, allow_inf_nan=False, use_attribute_docstrings=True
    )

    model: str = Field(max_length=256)
    input: str | list[str] | list[int] | list[list[int]]
    """Text or a list of texts; scanned and masked like prompts (or, for tenants that chose
    local-only embeddings, sent as they are to local models only). Token arrays are refused:
    they would reach the backend unscanned."""
    encoding_format: Literal["float", "base64"] = "float"
    """`base64`: little-endian float32, as OpenAI sends it (the SDKs' default)."""
    dimensions: int | None = Field(default=None, ge=1, le=INT64)
    user: str | None = Field(default=None, max_length=256)
    """The end user on whose behalf the call is made; recorded in the audit log."""


class EmbeddingUsage(BaseModel):
    prompt_tokens: int
    total_tokens: int


class EmbeddingData(BaseModel):
    object: Literal["embedding"] = "embedding"
    index: int
    embedding: list[float] | str


class EmbeddingList(BaseModel):
    object: Literal["list"] = "list"
    data: list[EmbeddingData]
    model: str
    usage: EmbeddingUsage
