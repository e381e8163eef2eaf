"""The locale probe's held-out frames: scored only in aggregate, never printed item by item.

Written at once, after the first round of tuning on `locale_probe.FRAMES` and before any
other, in styles those frames lack (chat, forms with other labels, a reply quoting an
order, a sentence that starts with the town). Tuning reads the probe's own frames'
misses; these say whether what was learned there holds on phrasing nobody tuned on.
The same slots as `locale_probe.FRAMES`.
"""

from __future__ import annotations

HELD_FRAMES: tuple[str, ...] = (
    "hey, can u double check the adress? it should be {street}, {postcode} {city}",
    "Recipient: {name} | Address: {street} | City: {city} | ZIP: {postcode}",
    "{city} branch reported that {name} never received the parcel.",
    "> Order 55102 will go to {line}\nConfirmed, thanks.",
    "Per our call, {name} prefers pickup at the {city} warehouse.",
    "Invoice to:\n{name}\n{block}\nPayment terms: 30 days.",
    "We have a new supplier contact, {name}, located at {street} in {city}.",
    "Can someone from the {city} team meet {name} on Tuesday?",
    "Billing contact {name} ({line}) disputes the charge.",
    "Her old address was {street}, {city}; please update it.",
    "Dear {name}, your appointment in {city} is confirmed for 10:30.",
    "Courier left a note: nobody home at {line}.",
)
