"""What a tenant lets into its requests beyond text: images, and how embeddings are protected."""

from __future__ import annotations

from enum import StrEnum

from modelgw.common.config.base import StrictModel


class ImagePolicy(StrictModel):
    """Images in chat messages. The trust layer reads text only: text inside an image (a
    scanned letter, a screenshot of a CRM record) reaches the backend unscanned."""

    accept: bool = True
    """Accept image parts at all; `false` refuses any request that carries one (400)."""
    allow_urls: bool = False
    """Pass `http(s)` image addresses on to the backend, which fetches them (modelgw never
    does). Off: only `data:` URLs (the image itself, within the body size limit)."""


class EmbeddingProtection(StrEnum):
    MASK = "mask"
    """Inputs are masked like prompts before any backend sees them (the vector then
    describes the masked text)."""
    LOCAL_ONLY = "local_only"
    """Inputs go unmasked, and only to `local` backends: the vector describes the real
    text; a model route without a local backend refuses the request."""


class EmbeddingPolicy(StrictModel):
    protection: EmbeddingProtection = EmbeddingProtection.MASK
    """Masking changes the vector; a tenant that needs vectors of the real text opts into
    local-only routing instead. Detection runs either way (blocking and the audit record,
    which keeps the masked inputs)."""
