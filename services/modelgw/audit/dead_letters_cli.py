"""`modelgw audit dead-letters list|replay`: see and resolve records Postgres refused.

Operator commands: they talk to the database named in `--config` as the
schema owner, like `migrate` and `verify`. `replay` exits 1 while any
selected letter stays unresolved, so a script can tell it is not done.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable

from modelgw.audit.dead_letters import list_dead_letters, replay
from modelgw.audit.store import AuditStore

_ERROR_WIDTH = 100


def add_dead_letter_commands(command: Callable[[str, str], argparse.ArgumentParser]) -> None:
    """`command(name, help)` makes an operator subcommand of `modelgw audit`."""
    parser = command("dead-letters", "list or replay records Postgres refused")
    actions = parser.add_subparsers(dest="dead_letter_command", required=True, metavar="ACTION")
    listing = actions.add_parser("list", help="show dead letters and whether each is resolved")
    again = actions.add_parser("replay", help="append unresolved dead letters to the log")
    for sub in (listing, again):
        sub.add_argument(
            "--config", action="append", default=argparse.SUPPRESS, help="config file (TOML/YAML)"
        )
        sub.add_argument("--tenant", help="only this tenant's letters")
        sub.add_argument("--id", type=int, action="append", dest="ids", help="only this letter")
    listing.add_argument("--pending", action="store_true", help="only unresolved letters")
    again.add_argument(
        "--replace-nul",
        action="store_true",
        help="store U+0000 as U+FFFD (Postgres text cannot hold it); the letter keeps the original",
    )


async def run_dead_letters(store: AuditStore, args: argparse.Namespace) -> int:
    letters = await list_dead_letters(store.engine, args.tenant, args.ids)
    if args.dead_letter_command == "list":
        shown = [x for x in letters if not (args.pending and x.resolved)]
        for x in shown:
            state = "resolved" if x.resolved else "pending"
            error = " ".join(x.error.split())[:_ERROR_WIDTH]
            print(
                f"{x.id}\t{x.received_at.isoformat()}\t{x.tenant}\t{x.request_id}\t{state}\t{error}"
            )
        pending = sum(not x.resolved for x in letters)
        print(f"{len(shown)} dead letters shown, {pending} pending")
        return 0
    outcomes = await replay(store, letters, repair_nul=args.replace_nul)
    for o in outcomes:
        detail = f": {' '.join(o.detail.split())[:_ERROR_WIDTH]}" if o.detail else ""
        print(f"{o.letter.id}\t{o.letter.tenant}\t{o.letter.request_id}\t{o.result}{detail}")
    refused = sum(o.result == "refused" for o in outcomes)
    stored = sum(o.result == "stored" for o in outcomes)
    print(
        f"replayed {stored}, {len(outcomes) - stored - refused} already stored, {refused} refused"
    )
    return 1 if refused else 0
