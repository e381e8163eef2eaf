"""Business text shapes only the test part uses, so it measures phrasing nobody tuned on.

Nothing in the dev part is written in these layouts: calendar invites, vCards,
formal letters, commit trailers, SQL, markdown tables, voicemail transcripts,
tenancy applications, airline itineraries and tab-separated exports.
"""

from __future__ import annotations

from bench.trust.independent_set import fillers as f
from bench.trust.independent_set.addresses import COUNTRY_NAMES
from bench.trust.independent_set.ctx import Ctx
from bench.trust.independent_set.shapes_shared import Shape
from bench.trust.independent_set.structured import emit_row
from bench.trust.independent_set.writer import ADDRESS, PERSON, Doc, Val, ip


def tsv_export(c: Ctx) -> Doc:
    d = c.doc()
    emit_row(d, ["surname", "given_name", "street", "locality", "mobile", "email"], "\t")
    for _ in range(c.rng.randint(2, 3)):
        p = c.person()
        addr = p.address()
        emit_row(
            d,
            [
                p.family,
                p.given,
                Val(addr.lines[0], ADDRESS),
                Val(", ".join(addr.lines[1:]), ADDRESS),
                p.phone(),
                p.email(),
            ],
            "\t",
        )
    return d


def voicemail(c: Ctx) -> Doc:
    d, p = c.doc(), c.person()
    d.say("Voicemail ({dur}s), transcribed:\n", dur=str(c.rng.randint(12, 95)))
    d.say(
        c.pick(
            ["uh hi, this is {n} calling from {t}, ", "hello, it's {n}, I'm in {t} right now, "]
        ),
        n=p.full,
        t=p.town(),
    )
    d.text(c.pick(["about the boiler repair, ", "about my refund, ", "regarding the viewing, "]))
    number = p.phone()
    d.say("you can reach me on {ph}, again that's {ph2}, ", ph=number, ph2=number)
    d.say(c.pick(["or just email {e}. thanks, bye", "or email {e}, ok, thank you"]), e=p.email())
    return d


def calendar_invite(c: Ctx) -> Doc:
    d, org, att = c.doc(), c.person(), c.person()
    d.text("BEGIN:VEVENT\n")
    d.say("SUMMARY:{s}\n", s=c.pick(["Contract signing", "Flat viewing", "Quarterly review"]))
    d.say("ORGANIZER;CN={n}:mailto:{e}\n", n=org.full, e=org.email())
    d.say("ATTENDEE;CN={n};ROLE=REQ-PARTICIPANT:mailto:{e}\n", n=att.full, e=att.email())
    d.say("LOCATION:{a}\n", a=org.address_line())
    d.say("DESCRIPTION:Dial-in {ph} if late. Parking at the back.\n", ph=org.phone())
    d.text("END:VEVENT")
    return d


def vcard(c: Ctx) -> Doc:
    d, p = c.doc(), c.person()
    addr = p.address()
    d.text("BEGIN:VCARD\nVERSION:3.0\n")
    d.say("N:{l};{g};;;\nFN:{n}\n", l=p.family, g=p.given, n=p.full)
    d.say(
        "TEL;TYPE=cell:{m}\nTEL;TYPE=work:{w}\nEMAIL;TYPE=internet:{e}\n",
        m=p.phone(),
        w=p.phone(),
        e=p.email(),
    )
    d.say(
        "ADR;TYPE=home:;;{s};{loc};;;{ctry}\n",
        s=Val(addr.lines[0], ADDRESS),
        loc=Val(" ".join(addr.lines[1:]), ADDRESS),
        ctry=Val(COUNTRY_NAMES[p.country], ADDRESS),
    )
    d.text("END:VCARD")
    return d


def formal_letter(c: Ctx) -> Doc:
    d, sender, to = c.doc(), c.person(), c.person()
    d.value(sender.full).text("\n").block(sender.address_lines())
    d.say("\n{dt}\n\n", dt=f.date(c.rng))
    d.value(to.full).text("\n").block(to.address_lines(abroad=c.chance(0.5)))
    d.say(
        "\nYour reference: {r}\n\nDear {t} {l},\n\n",
        r=f.ticket(c.rng),
        t=c.pick(["Ms", "Mr", "Dr"]),
        l=to.family,
    )
    d.text(
        c.pick(
            [
                "I write on behalf of my client regarding the deposit for the flat. ",
                "Further to our conversation, I enclose the signed lease. ",
            ]
        )
    )
    d.say(
        "Should you wish to discuss this, I can be reached on {ph}.\n\nYours sincerely,\n\n{n}",
        ph=sender.phone(extension=c.chance(0.3)),
        n=sender.full,
    )
    return d


def commit_trailers(c: Ctx) -> Doc:
    d, a, b, rep = c.doc(), c.person(), c.person(), c.person()
    mail = a.email()
    d.say(
        "commit {h}\nAuthor: {n} <{e}>\nDate:   {dt}\n\n",
        h=f.digits(c.rng, 12),
        n=a.western,
        e=mail,
        dt=f.date(c.rng),
    )
    d.say("    fix: allow {ip} through the admin allowlist\n\n", ip=ip(c.rng))
    d.say("    Reported-by: {n} <{e}>\n", n=rep.western, e=rep.email())
    d.say(
        "    Co-authored-by: {n} <{e}>\n    Signed-off-by: {n2} <{e2}>\n",
        n=b.western,
        e=b.email(),
        n2=a.western,
        e2=mail,
    )
    return d


def _sql(text: str) -> str:
    return text.replace("'", "''")


def sql_insert(c: Ctx) -> Doc:
    d = c.doc()
    d.text("INSERT INTO customers (full_name, email, phone, city, card_number) VALUES\n")
    rows = c.rng.randint(2, 3)
    for i in range(rows):
        p = c.person()
        d.text("  ('").value(Val(_sql(p.full.text), PERSON)).text("', '").value(p.email())
        d.text("', '").value(p.phone()).text("', '").value(p.town()).text("', '")
        d.value(p.card()).text("')" + (",\n" if i < rows - 1 else ";\n"))
    return d


def markdown_table(c: Ctx) -> Doc:
    d = c.doc()
    d.text("| Name | Role | Phone | Office |\n|---|---|---|---|\n")
    for p in c.people(c.rng.randint(2, 4)):
        d.say(
            "| {n} | {r} | {ph} | {o} |\n",
            n=p.full,
            ph=p.phone(),
            o=p.town(),
            r=c.pick(["Country manager", "Driver", "Buyer", "Nurse", "Auditor"]),
        )
    return d


def tenancy_application(c: Ctx) -> Doc:
    d, p, landlord = c.doc(), c.person("US" if c.chance(0.5) else None), c.person()
    d.say("Rental application for the 2-bed at {a}\n\n", a=landlord.address_line())
    d.say("Applicant: {n}, currently at\n", n=p.full)
    d.block(p.address_lines())
    if p.country == "US":
        d.say("SSN (for the credit check): {s}\n", s=p.ssn())
    d.say("Previous landlord: {n}, tel {ph}\n", n=landlord.full, ph=landlord.phone())
    d.say("Deposit will be paid from {i}.\n", i=p.iban())
    return d


def airline_itinerary(c: Ctx) -> Doc:
    d, pax, pax2 = c.doc(), c.person(), c.person()
    d.say(
        "BOOKING REF {r}   TICKET {t}\n",
        r=f.digits(c.rng, 6),
        t=f"{f.digits(c.rng, 3)}-{f.digits(c.rng, 10)}",
    )
    for p in (pax, pax2):
        d.text("PASSENGER: ").value(p.family.caps()).text("/").value(p.given.caps())
        d.text(c.pick([" MR\n", " MRS\n", " MS\n"]))
    d.say(
        "FLIGHT LH{n} {o}-{dst}  DEP {tm}\n",
        n=str(c.rng.randint(100, 2999)),
        o=c.pick(["FRA", "WAW", "IST", "LOS"]),
        dst=c.pick(["GRU", "NRT", "BLR", "KEF"]),
        tm=f.clock(c.rng),
    )
    d.say("CONTACT: {ph} / {e}\n", ph=pax.phone(), e=pax.email())
    d.say("HOTEL: {a}", a=pax2.address_line())
    return d


def sms_thread(c: Ctx) -> Doc:
    d, me, friend = c.doc(), c.person(), c.person()
    d.say("{g}: did the landlord send the bank details?\n", g=friend.given)
    d.say("me: yes {i}, reference is the flat number\n", i=me.iban())
    d.say("{g}: and his number? the old one {ph} is dead\n", g=friend.given, ph=friend.phone())
    d.say(
        c.pick(["me: new one is {ph}, he's called {n}\n", "me: try {ph} ({n})\n"]),
        ph=me.phone(),
        n=c.person().full,
    )
    if c.chance(0.5):
        d.say("{g}: ok. meet at {a}?", g=friend.given, a=friend.address_line())
    return d


SEALED: dict[str, Shape] = {
    "sms_thread": sms_thread,
    "tsv_export": tsv_export,
    "voicemail": voicemail,
    "calendar_invite": calendar_invite,
    "vcard": vcard,
    "formal_letter": formal_letter,
    "commit_trailers": commit_trailers,
    "sql_insert": sql_insert,
    "markdown_table": markdown_table,
    "tenancy_application": tenancy_application,
    "airline_itinerary": airline_itinerary,
}
