"""Put original values back in place of placeholders, in whole texts and in streams."""

from __future__ import annotations

import re

from modelgw.trust.vault import Vault

PLACEHOLDER = re.compile(r"<[A-Z][A-Z0-9_]*_\d+>")
# A text tail that could still grow into a placeholder.
_PLACEHOLDER_PREFIX = re.compile(r"<[A-Z0-9_]*\Z")


def restore_text(text: str, vault: Vault) -> str:
    """Replace every known placeholder; unknown ones (the model made them up) stay."""
    if not len(vault):
        return text

    def _swap(match: re.Match[str]) -> str:
        value = vault.value_of(match.group(0))
        return match.group(0) if value is None else value

    return PLACEHOLDER.sub(_swap, text)


class StreamRestorer:
    """Restores placeholders in a stream of text chunks.

    A placeholder may arrive split over several chunks (`<PERS`, `ON_1>`), so
    a tail that could still become one is held back — never more than the
    longest placeholder in the vault — and nothing partial is ever emitted.
    Concatenating everything `feed` and `finish` return equals
    `restore_text` of the whole stream.
    """

    def __init__(self, vault: Vault) -> None:
        self._vault = vault
        self._max_hold = vault.longest_placeholder
        self._pending = ""

    def feed(self, chunk: str) -> str:
        text = self._pending + chunk
        if not self._max_hold:
            return text
        hold_from = len(text)
        start = text.rfind("<", max(0, len(text) - self._max_hold))
        if start != -1 and _PLACEHOLDER_PREFIX.match(text, start):
            hold_from = start
        self._pending = text[hold_from:]
        return restore_text(text[:hold_from], self._vault)

    def finish(self) -> str:
        rest, self._pending = self._pending, ""
        return restore_text(rest, self._vault)
