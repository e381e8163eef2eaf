"""The trust engine: protect a request's messages under a tenant's policy.

Detection is CPU-bound: it runs on worker processes (or threads, see
`TrustConfig.executor`), batched across concurrent requests, with a
deadline, and each text's analysis is memoised by (tenant policy
fingerprint, text hash). If detection fails or is late, or too many texts
are already waiting, the engine raises `TrustLayerUnavailable`: the caller
must not send the request on (fail closed).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Protocol

from modelgw.common.config.providers import Locality
from modelgw.common.config.tenants import EntityAction, EntityPolicy
from modelgw.common.config.trust import DetectionExecutor, TrustConfig
from modelgw.common.errors import TrustLayerUnavailable
from modelgw.common.messages import TrustDecision, TrustSummary
from modelgw.trust.batching import Batcher, QueueFull
from modelgw.trust.chunks import OVERLAP_CHARS, merge, split
from modelgw.trust.detection import Detection
from modelgw.trust.detection_plan import AnalysisItem
from modelgw.trust.masking import MaskingTally, apply_policy
from modelgw.trust.memo import AnalysisMemo, memo_key
from modelgw.trust.metrics import TrustMetrics
from modelgw.trust.policy import policy_fingerprint, summarize
from modelgw.trust.restore import placeholders_in
from modelgw.trust.tenant_rules import TenantRule, compile_rules
from modelgw.trust.toxicity import ToxicityScorer, build_scorer
from modelgw.trust.vault import Vault

log = logging.getLogger(__name__)

__all__ = ["MaskedTexts", "ProtectResult", "TrustEngine", "summarize"]


class DetectionBackend(Protocol):
    """`Detector` (in this process) or `DetectorPool` (worker processes); blocking."""

    def analyze_items(self, items: Sequence[AnalysisItem]) -> list[list[Detection]]: ...


def build_detection(config: TrustConfig) -> DetectionBackend:
    if config.executor is DetectionExecutor.PROCESSES:
        from modelgw.trust.process_pool import DetectorPool

        return DetectorPool(config)
    from modelgw.trust.detector import Detector

    return Detector(config)


@dataclass(frozen=True, slots=True)
class MaskedTexts:
    """A request's outbound texts as the backends of one locality may receive them."""

    texts: tuple[str, ...]
    summary: TrustSummary

    @property
    def blocked(self) -> bool:
        return self.summary.decision is TrustDecision.BLOCKED


@dataclass(frozen=True, slots=True)
class ProtectResult:
    """One detection of a request's texts, masked once per locality of its route.

    The vault is shared by the localities: the same value has the same placeholder
    whichever backend answers, so a fallback to the other locality restores alike.
    """

    vault: Vault
    by_locality: Mapping[Locality, MaskedTexts]
    entity_types: frozenset[str]
    """What detection found, whatever each locality's policy did with it."""


class TrustEngine:
    """Detection + masking under a deadline. One per process; safe for concurrent use."""

    def __init__(
        self,
        config: TrustConfig,
        detector: DetectionBackend | None = None,
        toxicity: ToxicityScorer | None = None,
        metrics: TrustMetrics | None = None,
    ) -> None:
        """`detector` shares one built elsewhere (its owner closes it); else one is built
        from `config` (worker processes by default) and closed with this engine."""
        self._config = config
        self.metrics = metrics or TrustMetrics.off()
        self._owns_detector = detector is None
        self._detector = detector if detector is not None else build_detection(config)
        self._executor = ThreadPoolExecutor(
            max_workers=config.workers, thread_name_prefix="trust-detect"
        )
        self._batcher: Batcher[AnalysisItem, list[Detection]] = Batcher(
            self._analyze_batch,
            self._executor,
            workers=config.workers,
            max_batch=config.max_batch,
            max_pending=config.max_pending,
            max_cost=config.batch_chars,
        )
        self.memo = AnalysisMemo(config.memo_entries)
        self._rules: dict[str, tuple[TenantRule, ...]] = {}
        self.toxicity: ToxicityScorer | None = (
            toxicity if toxicity is not None else build_scorer(config.toxicity_model)
        )

    @property
    def detector(self) -> DetectionBackend:
        return self._detector

    @property
    def pending(self) -> int:
        """Items waiting for a detection worker (the queue depth operators watch)."""
        return self._batcher.pending

    @property
    def batches(self) -> int:
        return self._batcher.batches

    def _analyze_batch(self, items: Sequence[AnalysisItem]) -> list[list[Detection]]:
        return self._detector.analyze_items(items)

    def _rules_for(self, fingerprint: str, policy: EntityPolicy) -> tuple[TenantRule, ...]:
        rules = self._rules.get(fingerprint)
        if rules is None:
            rules = compile_rules(policy)
            if len(self._rules) > 4096:
                self._rules.clear()
            self._rules[fingerprint] = rules
        return rules

    async def detect(
        self,
        texts: Sequence[str],
        policy: EntityPolicy,
        *,
        tenant: str,
        deadline: float | None = None,
    ) -> list[tuple[Detection, ...]]:
        """Detections per text: memoised ones at once, the rest in one batch, under a deadline."""
        fingerprint = policy_fingerprint(tenant, policy)
        keys = [memo_key(fingerprint, t) for t in texts]
        results: list[tuple[Detection, ...] | None] = [self.memo.get(k) for k in keys]
        missing: dict[bytes, list[int]] = {}
        for i, found in enumerate(results):
            if found is None:
                missing.setdefault(keys[i], []).append(i)
        if missing:
            rules = self._rules_for(fingerprint, policy)
            todo = [positions[0] for positions in missing.values()]
            fresh = await self._run_chunked(
                [texts[i] for i in todo], rules, tenant=tenant, deadline=deadline
            )
            for first, detections in zip(todo, fresh, strict=True):
                self.memo.put(keys[first], detections)
                for i in missing[keys[first]]:
                    results[i] = tuple(detections)
        return [r if r is not None else () for r in results]

    async def _run_chunked(
        self,
        texts: list[str],
        rules: tuple[TenantRule, ...],
        *,
        tenant: str,
        deadline: float | None,
    ) -> list[list[Detection]]:
        """Detect in every text, long ones as overlapping chunks, queued under the tenant."""
        size = self._config.chunk_chars
        bounds = [split(text, size, min(OVERLAP_CHARS, size // 4)) for text in texts]
        items: list[AnalysisItem] = [
            (text[start:end], rules, tenant)
            for text, cuts in zip(texts, bounds, strict=True)
            for start, end in cuts
        ]
        found = iter(await self._run_with_deadline(items, tenant, sum(map(len, texts)), deadline))
        return [merge([(start, next(found)) for start, _ in cuts]) for cuts in bounds]

    async def _run_with_deadline(
        self, items: list[AnalysisItem], tenant: str, chars: int, deadline: float | None
    ) -> list[list[Detection]]:
        """Run under the deadline: the configured one, longer for long texts (they take
        longer, and a miss must mean trouble, not size), never past the caller's."""
        config = self._config
        timeout = (config.deadline_ms + config.deadline_ms_per_mb * chars / 1_000_000) / 1000
        if deadline is not None:
            timeout = max(0.0, min(timeout, deadline - time.monotonic()))
        costs = [len(text) for text, _, _ in items]
        started = time.monotonic()
        try:
            found = await asyncio.wait_for(
                self._batcher.run(items, key=tenant, costs=costs), timeout=timeout
            )
        except QueueFull:
            self.metrics.failed(tenant, "queue_full")
            raise TrustLayerUnavailable(
                f"more than {self._config.max_pending} texts of this tenant are waiting for "
                "detection; the request was not sent (fail closed)"
            ) from None
        except TimeoutError:
            self.metrics.failed(tenant, "timeout")
            raise TrustLayerUnavailable(
                f"personal-data detection did not finish within {timeout * 1000:.0f} ms; "
                "the request was not sent (fail closed)"
            ) from None
        except Exception as exc:
            self.metrics.failed(tenant, "error")
            log.exception("personal-data detection failed")
            raise TrustLayerUnavailable(
                f"personal-data detection failed ({type(exc).__name__}); "
                "the request was not sent (fail closed)"
            ) from exc
        self.metrics.detected(tenant, time.monotonic() - started)
        return found

    async def protect(
        self,
        texts: Sequence[str],
        policy: EntityPolicy,
        localities: Iterable[Locality],
        *,
        tenant: str,
        vault: Vault | None = None,
        deadline: float | None = None,
    ) -> ProtectResult:
        """Detect once, then mask the texts for each locality under its policy.

        `vault` carries a session's earlier placeholders (the same value keeps its
        placeholder across turns); new ones are added to it. Placeholder-like text the
        caller typed is reserved, so the vault never issues it: it stays text.
        `deadline` (a `time.monotonic()` value) can only shorten the configured one.
        """
        detections = await self.detect(texts, policy, tenant=tenant, deadline=deadline)
        found_types = frozenset(d.entity_type for found in detections for d in found)
        vault = vault if vault is not None else Vault()
        known_types = found_types | {e.entity_type for e in vault.entries()}
        vault.reserve(placeholders_in(texts, frozenset(known_types)))
        by_locality: dict[Locality, MaskedTexts] = {}
        for locality in sorted(set(localities)):
            external = locality is Locality.EXTERNAL
            tally = MaskingTally()

            def action_for(entity_type: str, external: bool = external) -> EntityAction:
                return policy.action_for(entity_type, external=external)

            masked = tuple(
                apply_policy(text, list(found), action_for, vault, tally)
                for text, found in zip(texts, detections, strict=True)
            )
            by_locality[locality] = MaskedTexts(masked, summarize(tally))
        return ProtectResult(vault, by_locality, found_types)

    async def score_toxicity(self, texts: Sequence[str]) -> list[float] | None:
        """Toxicity of each text off the event loop, or None when no model is configured."""
        scorer = self.toxicity
        if scorer is None or not texts:
            return None
        loop = asyncio.get_running_loop()
        try:
            return await asyncio.wait_for(
                loop.run_in_executor(self._executor, scorer.score, list(texts)),
                timeout=self._config.deadline_ms / 1000,
            )
        except Exception as exc:
            raise TrustLayerUnavailable(
                f"toxicity scoring failed ({type(exc).__name__}); the answer was withheld"
            ) from exc

    def close(self) -> None:
        self._executor.shutdown(wait=False, cancel_futures=True)
        close = getattr(self._detector, "close", None)
        if self._owns_detector and close is not None:
            close()
