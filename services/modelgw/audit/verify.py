"""Check a tenant's chain and name every record that breaks it.

Walks the records in `seq` order and reports:

* `edited`    a record whose content no longer matches its own hash;
* `deleted`   a gap in the sequence, or records missing after a signed checkpoint;
* `inserted`  a record that does not link to the one before it (inserted,
  reordered, or its predecessor was re-hashed);
* `checkpoint` a checkpoint whose signature fails, or whose hash differs from
  the record now at its position (a chain rewritten with recomputed hashes).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncConnection

from modelgw.audit.chain import GENESIS_HASH, record_hash
from modelgw.audit.checkpoints import PURGE, Verifier
from modelgw.audit.tables import audit_checkpoints, audit_records


@dataclass(frozen=True, slots=True)
class Problem:
    kind: str
    seq: int
    request_id: str
    detail: str


@dataclass(slots=True)
class VerifyReport:
    tenant: str
    records_checked: int = 0
    checkpoints_checked: int = 0
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


async def _rows(
    conn: AsyncConnection, tenant: str, first: int, last: int | None, chunk: int = 5000
) -> AsyncIterator[dict[str, Any]]:
    c = audit_records.c
    after = first - 1
    while True:
        statement = select(audit_records).where(c.tenant == tenant, c.seq > after)
        if last is not None:
            statement = statement.where(c.seq <= last)
        rows = (await conn.execute(statement.order_by(c.seq).limit(chunk))).mappings().all()
        for row in rows:
            yield dict(row)
        if len(rows) < chunk:
            return
        after = rows[-1]["seq"]


def _stamp(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)


async def verify_chain(
    conn: AsyncConnection,
    tenant: str,
    verifier: Verifier,
    from_seq: int | None = None,
    to_seq: int | None = None,
) -> VerifyReport:
    """Verify `tenant`'s records in [from_seq, to_seq] (all when omitted)."""
    report = VerifyReport(tenant)
    k = audit_checkpoints.c
    checkpoints = (
        (await conn.execute(select(audit_checkpoints).where(k.tenant == tenant).order_by(k.seq)))
        .mappings()
        .all()
    )
    anchor = max(
        (cp for cp in checkpoints if cp["kind"] == PURGE), key=lambda cp: cp["seq"], default=None
    )
    expected_seq, expected_prev = 1, GENESIS_HASH
    if anchor is not None:
        expected_seq, expected_prev = anchor["seq"] + 1, anchor["record_hash"]
        report.notes.append(f"records up to seq {anchor['seq']} were purged by retention")
    if from_seq is not None and from_seq > expected_seq:
        c = audit_records.c
        head = (await conn.execute(select(func.max(c.seq)).where(c.tenant == tenant))).scalar()
        if head is None or from_seq > head + 1:
            # A range past the chain's end holds nothing to check; a missing tail is the
            # checkpoints' to find (a whole-chain verify reports it), not this range's.
            report.notes.append(f"from_seq {from_seq} is past the end of the chain (seq {head})")
            return report
        before = (
            await conn.execute(
                select(c.record_hash).where(c.tenant == tenant, c.seq == from_seq - 1)
            )
        ).scalar()
        expected_seq = from_seq
        expected_prev = before if before is not None else ""
        if before is None:
            report.problems.append(
                Problem("deleted", from_seq - 1, "", f"record seq {from_seq - 1} is missing")
            )
    hashes_at: dict[int, str] = {}
    wanted = {cp["seq"] for cp in checkpoints}
    last_seq = expected_seq - 1
    last_request = ""
    async for row in _rows(conn, tenant, expected_seq, to_seq):
        seq, request_id = row["seq"], row["request_id"]
        report.records_checked += 1
        if seq > expected_seq:
            missing = f"{expected_seq}" if seq == expected_seq + 1 else f"{expected_seq}-{seq - 1}"
            report.problems.append(
                Problem(
                    "deleted",
                    expected_seq,
                    "",
                    f"record seq {missing} missing between {last_request or 'the start'} "
                    f"and {request_id}",
                )
            )
        elif row["prev_hash"] != expected_prev:
            report.problems.append(
                Problem(
                    "inserted",
                    seq,
                    request_id,
                    f"record seq {seq} ({request_id}) does not link to seq {seq - 1} "
                    f"({last_request or 'chain start'}) before it: one of them was inserted "
                    "or reordered, or the predecessor was altered",
                )
            )
        if record_hash(row) != row["record_hash"]:
            report.problems.append(
                Problem(
                    "edited",
                    seq,
                    request_id,
                    f"record seq {seq} ({request_id}) was altered: its content does not "
                    "match its hash",
                )
            )
        if seq in wanted:
            hashes_at[seq] = row["record_hash"]
        expected_seq, expected_prev = seq + 1, row["record_hash"]
        last_seq, last_request = seq, request_id
    for cp in checkpoints:
        in_range = (from_seq is None or cp["seq"] >= from_seq) and (
            to_seq is None or cp["seq"] <= to_seq
        )
        if not in_range or (anchor is not None and cp["seq"] < anchor["seq"]):
            continue
        report.checkpoints_checked += 1
        valid = verifier.valid(
            cp["key_id"],
            bytes(cp["signature"]),
            tenant,
            cp["kind"],
            cp["seq"],
            cp["record_hash"],
            _stamp(cp["signed_at"]),
        )
        where = f"checkpoint at seq {cp['seq']} signed {_stamp(cp['signed_at']).isoformat()}"
        if valid is None and verifier.keys:
            # A key that is neither the signing key nor a listed earlier one: anyone with
            # write access to the database can make such a checkpoint.
            report.problems.append(
                Problem(
                    "checkpoint",
                    cp["seq"],
                    "",
                    f"{where}: signed by unknown key {cp['key_id']} (not the signing key, "
                    "not in audit.checkpoint_public_keys)",
                )
            )
        elif valid is None:
            report.notes.append(f"{where}: key {cp['key_id']} unknown here, signature not checked")
        elif not valid:
            report.problems.append(Problem("checkpoint", cp["seq"], "", f"{where}: bad signature"))
        if cp["kind"] == PURGE:
            continue
        if cp["seq"] > last_seq and to_seq is None:
            report.problems.append(
                Problem(
                    "deleted",
                    last_seq + 1,
                    "",
                    f"{where}, but the chain ends at seq {last_seq}: later records were deleted",
                )
            )
        elif cp["seq"] in hashes_at and hashes_at[cp["seq"]] != cp["record_hash"]:
            report.problems.append(
                Problem(
                    "checkpoint",
                    cp["seq"],
                    "",
                    f"{where}: the record now at seq {cp['seq']} has a different hash "
                    "(the chain was rewritten)",
                )
            )
    return report
