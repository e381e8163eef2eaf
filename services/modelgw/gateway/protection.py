"""A request after the trust layer: what each backend of its route may receive.

Routing by data sensitivity needs to know what personal data a prompt holds
before the backend is chosen, while masking depends on the chosen backend's
locality (tenants mask less for their own models). So the pipeline asks the
trust layer once, for every locality its route holds: one detection, one
session-vault load and save, the texts masked per locality over one vault.
A fallback from a local model to an external one then gets exactly what the
external policy allows, never what was masked for another.
"""

from __future__ import annotations

from modelgw.common.config.providers import Locality
from modelgw.common.errors import BlockedByPolicy, TrustLayerUnavailable
from modelgw.common.messages import ChatMessage, GenerationParams
from modelgw.gateway.chat import ChatRequest
from modelgw.gateway.outbound import outbound_texts, with_texts
from modelgw.gateway.routing import Candidate
from modelgw.providers.base import BackendRequest
from modelgw.trust.engine import MaskedTexts, ProtectResult
from modelgw.trust.vault import Vault


class ProtectedRequest:
    def __init__(
        self, request: ChatRequest, result: ProtectResult, outbound: list[str] | None = None
    ) -> None:
        """`outbound`: the request's `outbound_texts`, as handed to the trust layer."""
        self._request = request
        self._result = result
        self._outbound = outbound
        self._sent: dict[Locality, tuple[tuple[ChatMessage, ...], GenerationParams]] = {}
        """What each locality receives, built once: the backend call and the audit record
        both ask for it."""

    @property
    def outbound_texts(self) -> list[str]:
        """The request's outbound texts, unmasked (what the answer is scanned against)."""
        if self._outbound is None:
            self._outbound = outbound_texts(self._request)
        return self._outbound

    @property
    def vault(self) -> Vault:
        return self._result.vault

    @property
    def entity_types(self) -> frozenset[str]:
        """What was found, whatever was done with it: detection does not depend on locality."""
        return self._result.entity_types

    def masked(self, locality: Locality) -> MaskedTexts:
        """The texts for `locality`; a locality left out (fail-open keeps only local) is closed."""
        masked = self._result.by_locality.get(locality)
        if masked is None:
            raise TrustLayerUnavailable(
                f"the trust layer could not decide for a {locality.value} backend; "
                "the request was not sent (fail closed)"
            )
        return masked

    def sent_to(self, locality: Locality) -> tuple[list[ChatMessage], GenerationParams]:
        sent = self._sent.get(locality)
        if sent is None:
            messages, params = with_texts(self._request, self.masked(locality).texts)
            sent = self._sent[locality] = (tuple(messages), params)
        return list(sent[0]), sent[1]

    def may_send(self, candidate: Candidate) -> bool:
        masked = self._result.by_locality.get(candidate.locality)
        return masked is not None and not masked.blocked

    def backend_request(self, candidate: Candidate) -> BackendRequest:
        """What `candidate` receives; refused when its locality's policy blocks the data."""
        masked = self.masked(candidate.locality)
        if masked.blocked:
            kinds = sorted(
                f.entity_type for f in masked.summary.prompt_entities if f.action == "block"
            )
            raise BlockedByPolicy(
                f"blocked by the tenant's data policy: the prompt contains {', '.join(kinds)}"
            )
        messages, params = self.sent_to(candidate.locality)
        return BackendRequest(
            model=candidate.upstream_model,
            messages=messages,
            params=params,
            request_id=self._request.request_id,
            deadline=self._request.deadline,
        )
