"""The trust engine: protect a request's messages under a tenant's policy.

Detection is CPU-bound and runs on worker threads with a deadline. If it
fails or is late the engine raises `TrustLayerUnavailable`: the caller must not
send the request on (fail closed).
"""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from modelgw.common.config.schema import TrustConfig
from modelgw.common.config.tenants import EntityAction, EntityPolicy
from modelgw.common.errors import TrustLayerUnavailable
from modelgw.common.messages import ChatMessage, EntityFinding, TrustDecision, TrustSummary
from modelgw.trust.detector import Detection, Detector
from modelgw.trust.masking import MaskingTally, apply_policy
from modelgw.trust.vault import Vault

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class ProtectResult:
    messages: list[ChatMessage]
    vault: Vault
    summary: TrustSummary

    @property
    def blocked(self) -> bool:
        return self.summary.decision is TrustDecision.BLOCKED


def summarize(tally: MaskingTally) -> TrustSummary:
    """Turn counts into the summary that callers and the audit log see (no values)."""
    findings = tuple(
        EntityFinding(entity_type=t, count=n, action=a.value)
        for (t, a), n in sorted(tally.counts.items())
    )
    actions = Counter(a for (_, a) in tally.counts.elements())
    if actions[EntityAction.BLOCK]:
        decision = TrustDecision.BLOCKED
    elif actions[EntityAction.MASK] or actions[EntityAction.REDACT]:
        decision = TrustDecision.MASKED
    elif actions[EntityAction.ALLOW]:
        decision = TrustDecision.ALLOWED
    else:
        decision = TrustDecision.CLEAN
    return TrustSummary(decision=decision, prompt_entities=findings)


class TrustEngine:
    """Detection + masking under a deadline. One per process; safe for concurrent use."""

    def __init__(self, config: TrustConfig, detector: Detector | None = None) -> None:
        self._config = config
        self._detector = detector or Detector(config)
        self._executor = ThreadPoolExecutor(max_workers=4, thread_name_prefix="trust-detect")

    @property
    def detector(self) -> Detector:
        return self._detector

    async def _detect_all(self, texts: list[str]) -> list[list[Detection]]:
        loop = asyncio.get_running_loop()
        futures = [loop.run_in_executor(self._executor, self._detector.analyze, t) for t in texts]
        try:
            return await asyncio.wait_for(
                asyncio.gather(*futures), timeout=self._config.deadline_ms / 1000
            )
        except TimeoutError:
            raise TrustLayerUnavailable(
                f"personal-data detection did not finish within {self._config.deadline_ms} ms; "
                "the request was not sent (fail closed)"
            ) from None
        except Exception as exc:
            log.exception("personal-data detection failed")
            raise TrustLayerUnavailable(
                f"personal-data detection failed ({type(exc).__name__}); "
                "the request was not sent (fail closed)"
            ) from exc

    async def protect(
        self, messages: list[ChatMessage], policy: EntityPolicy, *, external: bool
    ) -> ProtectResult:
        """Mask the messages for a backend that is `external` or local."""
        detections = await self._detect_all([m.content for m in messages])
        vault = Vault()
        tally = MaskingTally()

        def action_for(entity_type: str) -> EntityAction:
            return policy.action_for(entity_type, external=external)

        masked = [
            ChatMessage(m.role, apply_policy(m.content, found, action_for, vault, tally))
            for m, found in zip(messages, detections, strict=True)
        ]
        return ProtectResult(masked, vault, summarize(tally))

    def close(self) -> None:
        self._executor.shutdown(wait=False, cancel_futures=True)
