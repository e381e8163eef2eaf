"""The trust layer's verdict on one request, per backend locality, asked for lazily.

Routing by data sensitivity needs to know what personal data a prompt holds
before the backend is chosen, while masking depends on the chosen backend's
locality (tenants mask less for their own models). So the pipeline protects
once for the first candidate's locality, takes the detected entity types from
that answer to apply the tenant's routing rules, and protects again only if
the backend that finally answers has the other locality (a fallback from a
local model to an external one, say): then that backend gets exactly what its
policy allows, never what was masked for another.
"""

from __future__ import annotations

from modelgw.common.config.providers import Locality
from modelgw.common.errors import BlockedByPolicy
from modelgw.common.messages import ChatMessage
from modelgw.trust.client import TrustClient
from modelgw.trust.engine import ProtectResult


class Protection:
    def __init__(
        self,
        trust: TrustClient,
        tenant: str,
        request_id: str,
        session_id: str,
        messages: list[ChatMessage],
    ) -> None:
        self._trust = trust
        self._tenant = tenant
        self._request_id = request_id
        self._session_id = session_id
        self._messages = messages
        self._by_locality: dict[Locality, ProtectResult] = {}

    async def for_locality(self, locality: Locality) -> ProtectResult:
        if locality not in self._by_locality:
            self._by_locality[locality] = await self._trust.protect(
                self._tenant,
                self._request_id,
                self._session_id,
                self._messages,
                external=locality is Locality.EXTERNAL,
            )
        return self._by_locality[locality]

    @staticmethod
    def entity_types(result: ProtectResult) -> set[str]:
        """What was found, whatever was done with it: detection does not depend on locality."""
        return {f.entity_type for f in result.summary.prompt_entities}

    @staticmethod
    def refuse_if_blocked(result: ProtectResult) -> None:
        if result.blocked:
            kinds = sorted(
                f.entity_type for f in result.summary.prompt_entities if f.action == "block"
            )
            raise BlockedByPolicy(
                f"blocked by the tenant's data policy: the prompt contains {', '.join(kinds)}"
            )
