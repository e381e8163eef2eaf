"""The vault: which placeholder stands for which value, for one request.

The same value always gets the same placeholder, so a model can still tell
that two mentions are the same person. Values never leave the modelgw
services; only placeholders reach backends, caches and the audit log.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class VaultEntry:
    placeholder: str
    value: str
    entity_type: str


@dataclass(frozen=True, slots=True)
class VaultOwner:
    """Whose placeholders these are: a session vault belongs to exactly this owner.

    The tenant, the API key and the end user are bound into the vault's storage key
    and its encryption (see `SessionVaultStore`), so a caller who learns or guesses
    another user's session id still reads nothing of theirs.
    """

    tenant: str
    key_id: str
    end_user: str
    session_id: str
    """Empty: no session, the vault lives for one request only."""


def format_placeholder(entity_type: str, number: int) -> str:
    return f"<{entity_type}_{number}>"


class Vault:
    """Placeholder ⇄ value maps with per-type numbering."""

    def __init__(self, entries: Iterable[VaultEntry] = ()) -> None:
        self._by_value: dict[tuple[str, str], VaultEntry] = {}
        self._by_placeholder: dict[str, VaultEntry] = {}
        self._counters: dict[str, int] = {}
        self._reserved: set[str] = set()
        for entry in entries:
            self._add(entry)

    def _add(self, entry: VaultEntry) -> None:
        self._by_value[(entry.entity_type, entry.value)] = entry
        self._by_placeholder[entry.placeholder] = entry
        number = entry.placeholder.rsplit("_", 1)[-1].rstrip(">")
        if number.isdigit():
            current = self._counters.get(entry.entity_type, 0)
            self._counters[entry.entity_type] = max(current, int(number))

    def add(self, entry: VaultEntry) -> None:
        """Take an entry made elsewhere (a session store, the trust service)."""
        self._add(entry)

    def reserve(self, placeholders: Iterable[str]) -> None:
        """Never issue these: the caller typed them as text, so they must stay text.

        A user who writes `<PERSON_1>` in a prompt would otherwise see a real name
        restored there if the gateway also issued `<PERSON_1>` for one.
        """
        self._reserved.update(p for p in placeholders if p not in self._by_placeholder)

    @property
    def reserved(self) -> frozenset[str]:
        return frozenset(self._reserved)

    def placeholder_for(self, entity_type: str, value: str) -> str:
        """The placeholder for this value, allocating the next free number if it is new."""
        existing = self._by_value.get((entity_type, value))
        if existing is not None:
            return existing.placeholder
        number = self._counters.get(entity_type, 0) + 1
        while format_placeholder(entity_type, number) in self._reserved:
            number += 1
        entry = VaultEntry(format_placeholder(entity_type, number), value, entity_type)
        self._add(entry)
        return entry.placeholder

    def value_of(self, placeholder: str) -> str | None:
        entry = self._by_placeholder.get(placeholder)
        return entry.value if entry else None

    def entries(self) -> list[VaultEntry]:
        return list(self._by_placeholder.values())

    def __len__(self) -> int:
        return len(self._by_placeholder)
