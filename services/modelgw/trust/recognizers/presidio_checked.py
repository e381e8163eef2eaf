"""Presidio's e-mail, licence and passport recognizers, skipped where they cannot match.

Presidio runs every pattern of every recognizer over the whole text. Two
savings here, both leaving every finding to Presidio's own code, unchanged:

- A recognizer whose every match holds a part that few texts hold (an `@`,
  seven digits in a row, eight ASCII digits in a row) is skipped on a text
  without it (`_QuickChecked`).
- A pattern whose matches hold no whitespace and hold a `seed` (the `@` of an
  e-mail; a letter beside a digit in a driver's licence or a DEA number) is
  run only over the runs of non-space characters that hold a seed
  (`_Windowed`). A match lies inside one such run, and the characters beside
  a run are whitespace or the text's ends, so its `\\b` and every match read
  the same there as over the whole text. On a 1 KB message these patterns
  scanned ~0.55 ms with Presidio's `regex` engine; the runs, ~0.05 ms.

Seeds and runs are found with the same regex engine and flags as the
patterns themselves, so `[A-Z]`, `\\d` and `\\s` mean the same in both.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, ClassVar

import regex
from presidio_analyzer import Pattern, PatternRecognizer, RecognizerResult
from presidio_analyzer.predefined_recognizers import (
    EmailRecognizer,
    MedicalLicenseRecognizer,
    UsLicenseRecognizer,
    UsPassportRecognizer,
)

if TYPE_CHECKING:
    from presidio_analyzer.nlp_engine import NlpArtifacts


_FLAGS = regex.DOTALL | regex.MULTILINE | regex.IGNORECASE
"""Presidio's flags for its patterns (`PatternRecognizer.global_regex_flags`)."""
_RUN_END = regex.compile(r"\S*", _FLAGS)
_RUN_START = regex.compile(r"\S*", _FLAGS | regex.REVERSE)
"""Matched backwards from a seed: where the run of non-space characters around it begins."""


class _QuickChecked(PatternRecognizer):
    needs: ClassVar[regex.Pattern[str]]
    """A part of every match of every pattern of the recognizer."""

    def analyze(
        self,
        text: str,
        entities: list[str],
        nlp_artifacts: NlpArtifacts | None = None,
        regex_flags: int | None = None,
    ) -> list[RecognizerResult]:
        if not self.needs.search(text):
            return []
        return super().analyze(text, entities, nlp_artifacts, regex_flags)


class _WindowedRegex:
    """A compiled Presidio pattern that scans only the runs of non-space characters holding
    a seed: what Presidio's `PatternRecognizer` calls as its compiled regex."""

    def __init__(self, pattern: regex.Pattern[str], seed: regex.Pattern[str]) -> None:
        self._pattern = pattern
        self._seed = seed

    def finditer(self, text: str, timeout: float | None = None) -> Iterator[regex.Match[str]]:
        end = -1
        for seed in self._seed.finditer(text):
            at = seed.start()
            if at < end:
                continue  # in the run just scanned
            start = _RUN_START.match(text, 0, at)
            run_end = _RUN_END.match(text, at)
            assert start is not None and run_end is not None  # `\S*` matches everywhere
            end = run_end.end()
            yield from self._pattern.finditer(text, start.start(), end, timeout=timeout)


class _Windowed(PatternRecognizer):
    seeds: ClassVar[dict[str, str]]
    """Pattern name -> a regex, one match of which every match of the pattern holds (no
    match of the pattern or of its seed holds whitespace)."""

    def __init__(self, *, supported_language: str = "en") -> None:
        # Copies: Presidio's pattern objects are class-wide, shared with any stock instance.
        patterns = [Pattern(p.name, p.regex, p.score) for p in type(self).PATTERNS]  # type: ignore[attr-defined]  # each Presidio subclass declares PATTERNS
        super().__init__(patterns=patterns, supported_language=supported_language)  # type: ignore[call-arg]  # the Presidio subclasses take these keywords
        flags = self.global_regex_flags
        assert flags is not None  # Presidio's default: the flags it compiles its patterns with
        for pattern in patterns:
            seed = self.seeds.get(pattern.name)
            if seed is not None:
                compiled = regex.compile(pattern.regex, flags=flags)
                windowed = _WindowedRegex(compiled, regex.compile(seed, flags))
                pattern.compiled_regex = windowed  # type: ignore[assignment]  # Presidio calls only finditer(text, timeout=...)
                pattern.compiled_with_flags = flags  # type: ignore[assignment]  # Presidio declares it by its initial None


class CheckedEmailRecognizer(_QuickChecked, _Windowed, EmailRecognizer):
    needs = regex.compile("@", _FLAGS)
    seeds: ClassVar[dict[str, str]] = {"Email (Medium)": "@"}


class CheckedMedicalLicenseRecognizer(_QuickChecked, _Windowed, MedicalLicenseRecognizer):
    needs = regex.compile(r"\d{7}", _FLAGS)
    # `X` `[a-zA-Z]` then 7 digits, or `X` `9` then 7 digits.
    seeds: ClassVar[dict[str, str]] = {"USA DEA Certificate Number (weak)": r"[a-zA-Z9]\d{7}"}


class CheckedUsLicenseRecognizer(_Windowed, UsLicenseRecognizer):
    # Every alternative puts a letter (or, in one, `]`) beside an ASCII digit.
    seeds: ClassVar[dict[str, str]] = {
        "Driver License - Alphanumeric (weak)": r"[A-Z\]][0-9]|[0-9][A-Z]"
    }


class CheckedUsPassportRecognizer(_QuickChecked, UsPassportRecognizer):
    needs = regex.compile(r"[0-9]{8}", _FLAGS)
