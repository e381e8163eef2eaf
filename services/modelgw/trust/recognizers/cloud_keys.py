"""Access keys of cloud and SaaS providers, recognised by their documented prefixes."""

from __future__ import annotations

import re

from modelgw.trust.recognizers.base import RegexRecognizer

_PATTERNS = (
    # AWS access key ids (long-term, temporary, role, ...).
    re.compile(r"\b(?:AKIA|ASIA|AGPA|AIDA|AROA|ANPA|ANVA|AIPA|ABIA|ACCA)[A-Z0-9]{16}\b"),
    # Google API keys.
    re.compile(r"\bAIza[0-9A-Za-z_\-]{35}(?![\w-])"),
    # GitHub tokens (classic and fine-grained).
    re.compile(r"\bgh[pousr]_[A-Za-z0-9]{36,255}\b"),
    re.compile(r"\bgithub_pat_[A-Za-z0-9_]{60,255}\b"),
    # GitLab personal access tokens.
    re.compile(r"\bglpat-[A-Za-z0-9_\-]{20,}(?![\w-])"),
    # Slack tokens.
    re.compile(r"\bxox[abposr]-[A-Za-z0-9-]{10,}(?![\w-])"),
    # Stripe secret and restricted keys.
    re.compile(r"\b[sr]k_(?:live|test)_[A-Za-z0-9]{16,}\b"),
    # OpenAI / Anthropic style keys.
    re.compile(r"\bsk-(?:proj-|ant-(?:api\d\d-)?)?[A-Za-z0-9_\-]{20,}(?![\w-])"),
    # Azure storage account keys inside connection strings.
    re.compile(r"AccountKey=(?P<value>[A-Za-z0-9+/]{86}==)"),
)


class CloudKeyRecognizer(RegexRecognizer):
    entity = "API_KEY"
    patterns = _PATTERNS
    score = 0.95
    quick_check = re.compile(
        r"AKIA|ASIA|AGPA|AIDA|AROA|ANPA|ANVA|AIPA|ABIA|ACCA|AIza|gh[pousr]_"
        r"|github_pat_|glpat-|xox[abposr]-|[sr]k_(?:live|test)_|sk-"
        r"|AccountKey="
    )
