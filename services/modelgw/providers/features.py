"""What a backend can take beyond plain chat, so a request is refused before it is sent
to one that cannot (a clear 400 naming the backend, not the provider's own error)."""

from __future__ import annotations

from enum import StrEnum

from modelgw.providers.base import Backend


class Feature(StrEnum):
    TOOLS = "tools (function calling)"
    JSON_OBJECT = "response_format json_object"
    JSON_SCHEMA = "response_format json_schema"
    IMAGES = "image input"
    IMAGE_URLS = "image URLs (only data: URLs)"
    EMBEDDINGS = "embeddings"
    SEED = "seed (reproducible sampling)"


CHAT_COMPLETIONS = frozenset(
    {
        Feature.TOOLS,
        Feature.JSON_OBJECT,
        Feature.JSON_SCHEMA,
        Feature.IMAGES,
        Feature.IMAGE_URLS,
        Feature.SEED,
    }
)
"""What the Chat Completions wire format carries (the model behind it may still refuse)."""


def backend_features(backend: Backend) -> frozenset[Feature]:
    """The backend's `features` attribute; a backend that declares none takes plain chat."""
    declared: object = getattr(backend, "features", frozenset())
    if not isinstance(declared, frozenset | set | tuple | list):
        return frozenset()
    return frozenset(f for f in declared if isinstance(f, Feature))
