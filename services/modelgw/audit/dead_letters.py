"""Dead letters: records Postgres refused, kept byte for byte, and their replay into the log.

The dead-letter table is append-only like the log, so a letter is never
marked or removed: it counts as resolved once a record with its (tenant,
request id) is in the log. Replaying is therefore idempotent (a resolved
letter, or a second letter of the same record, is skipped as already
stored), and a replay that Postgres refuses again reports why instead of
writing yet another letter. The replayed record joins its tenant's chain at
the head, so its `seq` is later than records with later `started_at`; each
replay is written to `audit_access_log` so the late arrival is explained.

`replace_nul` is the one repair offered: Postgres text cannot hold U+0000, so
it becomes U+FFFD in the stored record, while the letter keeps the original.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from google.protobuf.message import Message
from sqlalchemy import and_, exists, insert, select
from sqlalchemy.ext.asyncio import AsyncEngine

from modelgw.api.v1 import audit_pb2
from modelgw.audit.convert import record_from_pb
from modelgw.audit.store import AuditStore
from modelgw.audit.tables import audit_access_log, audit_dead_letters, audit_records

OPERATOR = "operator"
"""`api_key_id` of access-log entries written by operator commands (they use no API key)."""


@dataclass(frozen=True, slots=True)
class DeadLetter:
    id: int
    tenant: str
    request_id: str
    received_at: datetime
    error: str
    resolved: bool
    """A record with this (tenant, request id) is in the log now."""


@dataclass(frozen=True, slots=True)
class ReplayOutcome:
    letter: DeadLetter
    result: str
    """`stored`, `already stored` or `refused`."""
    detail: str = ""


async def list_dead_letters(
    engine: AsyncEngine, tenant: str | None = None, ids: list[int] | None = None
) -> list[DeadLetter]:
    d, r = audit_dead_letters.c, audit_records.c
    in_log = exists().where(and_(r.tenant == d.tenant, r.request_id == d.request_id))
    statement = select(
        d.id, d.tenant, d.request_id, d.received_at, d.error, in_log.label("resolved")
    ).order_by(d.id)
    if tenant:
        statement = statement.where(d.tenant == tenant)
    if ids:
        statement = statement.where(d.id.in_(ids))
    async with engine.connect() as conn:
        rows = (await conn.execute(statement)).all()
    return [DeadLetter(*row) for row in rows]


def replace_nul(message: Message) -> None:
    """Replace U+0000 with U+FFFD in every string field of `message`, nested ones included."""
    for field, value in message.ListFields():
        if field.type == field.TYPE_STRING:
            if field.is_repeated:
                value[:] = [v.replace("\x00", "\ufffd") for v in value]
            else:
                setattr(message, field.name, value.replace("\x00", "\ufffd"))
        elif (
            field.type == field.TYPE_MESSAGE
            and field.message_type is not None  # never None for a message field
            and field.message_type.GetOptions().map_entry
        ):
            for key in list(value):
                if isinstance(value[key], str):
                    value[key] = value[key].replace("\x00", "\ufffd")
                else:
                    replace_nul(value[key])
        elif field.type == field.TYPE_MESSAGE:
            for item in value if field.is_repeated else [value]:
                replace_nul(item)


async def _payload(engine: AsyncEngine, letter_id: int) -> bytes:
    async with engine.connect() as conn:
        statement = select(audit_dead_letters.c.payload).where(audit_dead_letters.c.id == letter_id)
        return bytes((await conn.execute(statement)).scalar_one())


async def replay(
    store: AuditStore,
    letters: list[DeadLetter],
    *,
    repair_nul: bool = False,
) -> list[ReplayOutcome]:
    """Append each unresolved letter's record to the log; resolved ones are skipped."""
    outcomes: list[ReplayOutcome] = []
    for letter in letters:
        if letter.resolved:
            outcomes.append(ReplayOutcome(letter, "already stored"))
            continue
        message = audit_pb2.AuditRecord()
        message.ParseFromString(await _payload(store.engine, letter.id))
        if repair_nul:
            replace_nul(message)
        result = await store.append([record_from_pb(message)], dead_letter=False)
        if result.stored:
            outcome = ReplayOutcome(letter, "stored")
        elif result.duplicates:
            outcome = ReplayOutcome(letter, "already stored")
        else:
            outcome = ReplayOutcome(
                letter, "refused", result.refused[0][1] if result.refused else ""
            )
        if outcome.result == "stored":
            await _log_replay(store.engine, letter, repair_nul)
        outcomes.append(outcome)
    return outcomes


async def _log_replay(engine: AsyncEngine, letter: DeadLetter, repaired: bool) -> None:
    async with engine.begin() as conn:
        await conn.execute(
            insert(audit_access_log).values(
                at=datetime.now(UTC),
                tenant=letter.tenant[:63],
                api_key_id=OPERATOR,
                action="replay",
                detail={
                    "dead_letter_id": letter.id,
                    "request_id": letter.request_id,
                    "replaced_nul": repaired,
                },
                result_count=1,
            )
        )
