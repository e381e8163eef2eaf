"""The name probe's held-out frames: scored only in aggregate, never printed item by item.

Written together with `name_probe.FRAMES`, before any tuning on them, in other styles
(chat, forms, forwarded headers, lists). `{name}` is a full name, `{first}` and `{last}`
its parts.
"""

from __future__ import annotations

HELD_FRAMES: tuple[str, ...] = (
    "ok so {first} said the refund never arrived?? can u check",
    "From: {name} <support-fwd@example.org>\nSubject: Re: contract",
    "Attendees: Tom Baker, {name}, Priya Nair",
    "Please escalate; {last} has called three times this week.",
    "Assigned to {name} (tier 2).",
    "{first}'s laptop was replaced under warranty.",
    "Signed: {name}, 3 May",
    "Spoke with Mrs {last} about the overdue balance.",
    "I'm {name}, the new account manager for your region.",
    "cc {name} for visibility",
    "The complaint from {first} {last} was resolved in 2 days.",
    "Emergency contact: {name}",
)
