"""Obfuscated values: what people (and OCR, and `json.dumps`) do to personal data in text.

Each obfuscation keeps the value readable to a person or a model and is
labelled with its own variant name, so `make eval-trust` counts its leaks
apart. A label covers the whole obfuscated rendering: the inserted spaces,
line breaks, invisible characters and words are part of the value.
"""

from __future__ import annotations

import random
import re

from bench.trust.independent_set import fillers as f
from bench.trust.independent_set.ctx import Ctx
from bench.trust.independent_set.structured import emit_json
from bench.trust.independent_set.writer import (
    ADDRESS,
    CARD,
    EMAIL,
    IBAN,
    IP,
    PERSON,
    PHONE,
    SSN,
    Doc,
    Val,
    ip,
)

LOOKALIKES = {"0": "ОΟO", "1": "Іl", "3": "З", "6": "б"}  # Cyrillic О І З б, Greek Ο, Latin O l
SCRIPT_DIGITS = ("٠١٢٣٤٥٦٧٨٩", "۰۱۲۳۴۵۶۷۸۹", "०१२३४५६७८९", "০১২৩৪৫৬৭৮৯")
FULLWIDTH = str.maketrans("0123456789+-", "０１２３４５６７８９＋－")
ZERO_WIDTH = ("\u200b", "\u200c", "\u200d", "\u2060", "\ufeff")
WORDS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")

BY_TYPE: dict[str, tuple[str, ...]] = {
    EMAIL: ("spaced", "at_dot_words", "line_break", "zero_width", "defanged", "html_entity"),
    PHONE: (
        "lookalike",
        "script_digits",
        "fullwidth",
        "spelled_out",
        "line_break",
        "zero_width",
        "mixed_separators",
        "spaced",
    ),
    CARD: (
        "lookalike",
        "script_digits",
        "fullwidth",
        "spelled_out",
        "line_break",
        "dotted",
        "zero_width",
        "mixed_separators",
        "spaced",
    ),
    IBAN: ("spaced", "dotted", "line_break", "lookalike", "zero_width", "mixed_separators"),
    SSN: ("spelled_out", "lookalike", "fullwidth", "spaced", "dotted", "zero_width"),
    IP: ("defanged", "fullwidth", "lookalike", "zero_width", "line_break"),
    PERSON: ("line_break", "zero_width", "spaced"),
    ADDRESS: ("line_break", "zero_width"),
}


def _lookalike(rng: random.Random, s: str) -> str:
    spots = [i for i, ch in enumerate(s) if ch in LOOKALIKES]
    if not spots:
        return s
    chosen = set(rng.sample(spots, max(1, len(spots) // 2)))
    return "".join(rng.choice(LOOKALIKES[ch]) if i in chosen else ch for i, ch in enumerate(s))


def _spelled(rng: random.Random, s: str) -> str:
    """Digits as words; a separator in the value becomes a comma now and then."""
    out: list[str] = []
    for ch in s:
        if ch.isdigit():
            out.append("oh" if ch == "0" and rng.random() < 0.4 else WORDS[int(ch)])
        elif ch == "+":
            out.append("plus")
        elif ch in " -.()" and out and not out[-1].endswith(",") and rng.random() < 0.4:
            out[-1] += ","
    return " ".join(out)


def _line_break(rng: random.Random, s: str, kind: str) -> str:
    """Cut the value over two lines: at the "@" of an e-mail, else at one of its separators."""
    if kind == EMAIL:
        cut = s.index("@") + rng.choice([0, 1])
        return s[:cut] + rng.choice(["\n", "\r\n"]) + s[cut:]
    seps = [i for i, ch in enumerate(s) if ch in " -." and 0 < i < len(s) - 1]
    if not seps:
        cut = len(s) // 2
        return s[:cut] + rng.choice(["\n", "-\n"]) + s[cut:]
    i = rng.choice(seps)
    if s[i] == " ":  # the break takes the place of the space
        return s[:i] + rng.choice(["\n", "\r\n"]) + s[i + 1 :]
    return s[: i + 1] + "\n" + s[i + 1 :]


def _zero_width(rng: random.Random, s: str) -> str:
    chars = list(s)
    for _ in range(rng.randint(2, 4)):
        chars.insert(rng.randint(1, len(chars) - 1), rng.choice(ZERO_WIDTH))
    return "".join(chars)


def _spaced(rng: random.Random, s: str, kind: str) -> str:
    if kind == EMAIL:
        return re.sub(r"([.@])", r" \1 ", s)
    if kind == PERSON:
        return "  ".join(" ".join(part) for part in s.split(" "))
    return " ".join(ch for ch in s if ch not in " -.")


def _mixed(rng: random.Random, s: str) -> str:
    return re.sub(r"[ \-.]", lambda _: rng.choice([" ", "-", ".", "/", " - "]), s)


def _at_dot_words(rng: random.Random, s: str) -> str:
    at, dot = rng.choice(
        [
            (" at ", " dot "),
            (" (at) ", " (dot) "),
            (" [at] ", "."),
            (" AT ", " DOT "),
            ("{at}", "{dot}"),
        ]
    )
    local, domain = s.split("@")
    local = local.replace(".", dot) if rng.random() < 0.5 else local
    return local + at + domain.replace(".", dot)


def obfuscate(rng: random.Random, v: Val, how: str) -> Val:
    s = v.text
    if how == "lookalike":
        out = _lookalike(rng, s)
    elif how == "script_digits":
        table = rng.choice(SCRIPT_DIGITS)
        out = "".join(table[int(ch)] if ch.isdigit() else ch for ch in s)
    elif how == "fullwidth":
        out = s.translate(FULLWIDTH)
    elif how == "spelled_out":
        out = _spelled(rng, s)
    elif how == "line_break":
        out = _line_break(rng, s, v.type)
    elif how == "zero_width":
        out = _zero_width(rng, s)
    elif how == "spaced":
        out = _spaced(rng, s, v.type)
    elif how == "dotted":
        bare = re.sub(r"[ \-.]", "", s)
        groups = (
            [bare[:3], bare[3:5], bare[5:]]
            if v.type == SSN
            else [bare[i : i + 4] for i in range(0, len(bare), 4)]
        )
        out = ".".join(groups)
    elif how == "mixed_separators":
        out = _mixed(rng, s)
    elif how == "at_dot_words":
        out = _at_dot_words(rng, s)
    elif how == "defanged":
        out = s.replace(".", "[.]") if v.type == IP else s.replace("@", "[@]").replace(".", "[.]")
        if v.type == IP and ":" in s and "." not in s:
            out = s.replace(":", "[:]")
    elif how == "html_entity":
        out = s.replace("@", "&#64;").replace(".", "&#46;")
    else:
        raise ValueError(how)
    if out == s:  # nothing to obfuscate in this value: break it over a line instead
        how, out = "zero_width", _zero_width(rng, s)
    return Val(out, v.type, how)


def _draw(c: Ctx, kind: str) -> Val:
    p = c.person("US" if kind == SSN else None)
    if kind == EMAIL:
        return p.email()
    if kind == PHONE:
        return p.phone()
    if kind == CARD:
        return p.card()
    if kind == IBAN:
        return p.iban()
    if kind == SSN:
        return p.ssn()
    if kind == IP:
        return ip(c.rng, 0.2)
    if kind == PERSON:
        return p.full
    return p.address_line()


def obfuscated(c: Ctx, kind: str) -> Val:
    return obfuscate(c.rng, _draw(c, kind), c.pick(BY_TYPE[kind]))


FRAMES: dict[str, tuple[str, ...]] = {
    EMAIL: ("write to me at {v} (spam bots, keep out)", "my personal mail is {v}"),
    PHONE: ("call {v} after six", "my number is {v}"),
    CARD: ("card number {v}, expiry 09/28", "use this card: {v}"),
    IBAN: ("send it to {v}", "IBAN: {v}"),
    SSN: ("SSN {v}", "social is {v}"),
    IP: ("blocked host {v}", "the attacker came from {v}"),
    PERSON: ("signed, {v}", "the tenant is {v}"),
    ADDRESS: ("ship it to {v}", "I live at {v}"),
}
SEALED_FRAMES: dict[str, tuple[str, ...]] = {
    EMAIL: ("dm me or mail {v} lol", "ping {v} for the invite"),
    PHONE: ("whatsapp me on {v}", "text {v} when you're outside"),
    CARD: ("charge the rest to {v} pls", "the virtual card is {v}"),
    IBAN: ("refund goes back to {v}", "acct {v}"),
    SSN: ("tax id on file: {v}", "SSN (for payroll) {v}"),
    IP: ("IOC: {v}", "egress address {v}"),
    PERSON: ("on behalf of {v}", "beneficiary: {v}"),
    ADDRESS: ("deliver to {v}", "postal address {v}"),
}


def _frames(c: Ctx, kind: str, sealed: bool) -> tuple[str, ...]:
    return FRAMES[kind] + (SEALED_FRAMES[kind] if sealed else ())


def adv_message(c: Ctx, sealed: bool = False) -> Doc:
    d = c.doc()
    kinds = c.rng.sample(list(BY_TYPE), c.rng.randint(2, 4))
    for i, kind in enumerate(kinds):
        frame = c.pick(_frames(c, kind, sealed))
        d.say(("" if i == 0 else c.pick([". ", "; ", "\n"])) + frame, v=obfuscated(c, kind))
    return d.text(".")


def adv_form(c: Ctx) -> Doc:
    d, p = c.doc(), c.person()
    d.say(
        "Name: {n}\n",
        n=obfuscate(c.rng, p.full, c.pick(BY_TYPE[PERSON])) if c.chance(0.4) else p.full,
    )
    d.say("E-mail: {e}\n", e=obfuscate(c.rng, p.email(), c.pick(BY_TYPE[EMAIL])))
    d.say("Phone: {ph}\n", ph=obfuscate(c.rng, p.phone(), c.pick(BY_TYPE[PHONE])))
    kind = c.pick([CARD, IBAN, SSN])
    label = {CARD: "Card", IBAN: "IBAN", SSN: "SSN"}[kind]
    d.say(label + ": {v}\n", v=obfuscated(c, kind))
    return d


def adv_json_ascii(c: Ctx) -> Doc:
    """A tool result as `json.dumps` writes it by default: non-ASCII letters escaped."""
    d, p = c.doc(), c.person(c.pick(["PL", "TR", "DE", "ES", "BR", "FR", *c.fresh[:2]]))
    obj = {
        "contact": {
            "name": p.full,
            "email": obfuscated(c, EMAIL) if c.chance(0.5) else p.email(),
            "address": p.address_line(),
            "phone": p.phone(),
        },
        "fetched_at": f.timestamp(c.rng),
    }
    return emit_json(d, obj, indent=None, ascii_only=True)


def adv_forum_post(c: Ctx) -> Doc:
    d, p = c.doc(), c.person()
    d.text(c.pick(["selling my old bike, ", "lost a wallet near the station, ", "room for rent, "]))
    d.say(
        "contact {n}: {e} or {ph}. ",
        n=p.given,
        e=obfuscate(c.rng, p.email(), "at_dot_words"),
        ph=obfuscate(c.rng, p.phone(), c.pick(["spelled_out", "spaced", "mixed_separators"])),
    )
    d.text("no bots please")
    return d


def adv_ocr(c: Ctx) -> Doc:
    """A scanned form as OCR returns it: look-alike letters for digits, values cut by lines."""
    d, p = c.doc(), c.person()
    d.text("== page 1 (OCR) ==\nAPPLICANT\n")
    d.say("Name ..... {n}\n", n=obfuscate(c.rng, p.full, "line_break"))
    d.say("Tel ...... {ph}\n", ph=obfuscate(c.rng, p.phone(), "lookalike"))
    d.say("Account .. {i}\n", i=obfuscate(c.rng, p.iban(), c.pick(["lookalike", "line_break"])))
    d.say("Mail ..... {e}\n", e=obfuscate(c.rng, p.email(), "line_break"))
    return d
