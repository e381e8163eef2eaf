"""A chat request's features (tools, JSON output, images) against its tenant and its route.

Checked before anything runs, and leaving no audit record, like any request
that cannot be served as sent: a tenant that refuses images, an image address
a tenant does not allow (modelgw never fetches one, and does not let one
through unasked), or a feature no backend of the model's route supports.
Backends of the route that lack a feature the request needs are left out of
its plan; the route reasons say so.
"""

from __future__ import annotations

import dataclasses

from modelgw.common.config.providers import Locality
from modelgw.common.errors import FailedPrecondition, InvalidArgument
from modelgw.common.tenant import Tenant
from modelgw.common.tools import ResponseFormatType
from modelgw.gateway.chat import ChatRequest
from modelgw.gateway.routing import RoutePlan
from modelgw.providers.features import Feature, backend_features


def request_features(request: ChatRequest) -> frozenset[Feature]:
    found: set[Feature] = set()
    params = request.params
    if params.tools or any(m.tool_calls or m.tool_call_id for m in request.messages):
        found.add(Feature.TOOLS)
    response_format = params.response_format
    if response_format is not None:
        if response_format.type is ResponseFormatType.JSON_OBJECT:
            found.add(Feature.JSON_OBJECT)
        elif response_format.type is ResponseFormatType.JSON_SCHEMA:
            found.add(Feature.JSON_SCHEMA)
    if params.seed is not None:
        found.add(Feature.SEED)  # silently dropped, it would promise what it cannot keep
    images = [image for m in request.messages for image in m.images]
    if images:
        found.add(Feature.IMAGES)
    if any(not image.is_data for image in images):
        found.add(Feature.IMAGE_URLS)
    return frozenset(found)


def check_images(tenant: Tenant, request: ChatRequest) -> None:
    images = [image for m in request.messages for image in m.images]
    if not images:
        return
    policy = tenant.config.images
    if not policy.accept:
        raise InvalidArgument(
            f"tenant {tenant.name!r} does not accept images (text inside an image cannot be "
            "scanned for personal data); send text only"
        )
    if not policy.allow_urls and any(not image.is_data for image in images):
        raise InvalidArgument(
            f"tenant {tenant.name!r} accepts images only as data: URLs (base64); an image "
            "address is never fetched by modelgw, and passed to a backend only where the "
            "tenant allows it (images.allow_urls)"
        )


def capable(plan: RoutePlan, request: ChatRequest) -> RoutePlan:
    """The plan without backends that lack a feature the request needs; 400 if none is left."""
    needed = request_features(request)
    if not needed:
        return plan
    kept = []
    reasons = list(plan.reasons)
    missing_by_backend: list[str] = []
    for candidate in plan.candidates:
        missing = needed - backend_features(candidate.backend)
        if missing:
            what = ", ".join(sorted(missing))
            missing_by_backend.append(
                f"backend {candidate.name!r} ({candidate.backend.provider_type}) does not "
                f"support {what}"
            )
            reasons.append(f"{candidate.name} skipped: no {what}")
        else:
            kept.append(candidate)
    if not kept:
        raise InvalidArgument(
            f"model {plan.model!r} cannot take this request: " + "; ".join(missing_by_backend)
        )
    return dataclasses.replace(plan, candidates=tuple(kept), reasons=tuple(reasons))


def embedding_capable(plan: RoutePlan, *, local_only: bool) -> RoutePlan:
    """The plan's embedding backends (local ones only, for a tenant that chose that)."""
    kept = [c for c in plan.candidates if Feature.EMBEDDINGS in backend_features(c.backend)]
    if not kept:
        raise InvalidArgument(f"model {plan.model!r} has no backend that serves embeddings")
    if local_only:
        kept = [c for c in kept if c.locality is Locality.LOCAL]
        if not kept:
            raise FailedPrecondition(
                f"model {plan.model!r} has no local embedding backend, and this tenant sends "
                "embedding inputs unmasked to local backends only (embeddings.protection = "
                "local_only)"
            )
    return dataclasses.replace(plan, candidates=tuple(kept))
