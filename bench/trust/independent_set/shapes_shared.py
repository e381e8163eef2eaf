"""Business text shapes both parts use: chats, minutes, forms, labels, rows, logs, mail.

Each shape writes one text into a `Doc` and draws its own phrasing among a few
variants, so two texts of one shape differ in wording as well as in values.
"""

from __future__ import annotations

from collections.abc import Callable

from bench.trust.independent_set import fillers as f
from bench.trust.independent_set.ctx import Ctx
from bench.trust.independent_set.locales import LOCALES
from bench.trust.independent_set.structured import emit_json, emit_row
from bench.trust.independent_set.writer import ADDRESS, PERSON, Doc, Val, ip

Shape = Callable[[Ctx], Doc]


def chat_transcript(c: Ctx) -> Doc:
    d, cust, agent = c.doc(), c.person(), c.person("GB" if c.chance(0.5) else None)
    t = f.clock(c.rng)
    d.say(
        "[{t}] {a} (agent): Hi, thanks for contacting Northwind. Who am I speaking with?\n",
        t=t,
        a=agent.given,
    )
    d.say(
        c.pick(
            [
                "[{t}] Customer: hi its {n}\n",
                "[{t}] Customer: Hello, my name is {n}.\n",
                "[{t}] Customer: {n} here, I called yesterday too\n",
            ]
        ),
        t=t,
        n=cust.full,
    )
    d.say(
        "[{t}] {a} (agent): Thanks {g}. Which e-mail is the account under?\n",
        t=t,
        a=agent.given,
        g=cust.given,
    )
    d.say("[{t}] Customer: {e}\n", t=t, e=cust.email())
    if c.chance(0.7):
        d.say(
            c.pick(
                [
                    "[{t}] Customer: and I moved, new address is {a}\n",
                    "[{t}] Customer: please ship to {a} from now on\n",
                ]
            ),
            t=t,
            a=cust.address_line(),
        )
    d.say(
        c.pick(
            [
                "[{t}] Customer: you can call me at {p} if easier\n",
                "[{t}] Customer: my mobile: {p}\n",
            ]
        ),
        t=t,
        p=cust.phone(),
    )
    d.say(
        "[{t}] {a} (agent): Done, order {o} is updated.",
        t=t,
        a=agent.given,
        o=f.order_number(c.rng),
    )
    return d


def meeting_minutes(c: Ctx) -> Doc:
    d, ppl = c.doc(), c.people(c.rng.randint(3, 4))
    d.say(
        "Minutes: {topic}, {date}\n",
        topic=c.pick(["vendor review", "Q3 planning", "site visit debrief", "works council"]),
        date=f.date(c.rng),
    )
    d.text("Attendees: ")
    for i, p in enumerate(ppl[:-1]):
        d.text(", " if i else "").value(p.full)
    d.say("\nApologies: {n}\n\n", n=ppl[-1].full)
    d.say(
        "1. {g} summarised the pilot in {t}; the team in {t2} starts in May.\n",
        g=ppl[0].given,
        t=ppl[0].town(),
        t2=ppl[1].town(),
    )
    d.say(
        "2. {s} raised the invoice dispute with {co}.\n",
        s=ppl[1].family,
        co=c.pick(f.COMPANIES).rstrip("."),
    )
    d.text("\nAction items\n")
    d.say("- {n}: send the revised contract to {e}\n", n=ppl[1].full, e=ppl[2].email())
    d.say("- {s} to call the site lead on {p}\n", s=ppl[2].family, p=ppl[0].phone())
    if c.chance(0.5):
        d.say("- {g} books the venue at {a}\n", g=ppl[0].given, a=ppl[1].address_line())
    return d


def hr_note(c: Ctx) -> Doc:
    d, emp, kin, mgr = c.doc(), c.person(), c.person(), c.person()
    d.text(c.pick(["HR note (confidential)\n", "Personnel file: update\n", "People team memo\n"]))
    d.say("Employee: {n} (ID E{i})\n", n=emp.full, i=f.digits(c.rng, 6))
    d.text("Home address:\n").block(emp.address_lines(), "  ")
    if emp.country == "US" or c.chance(0.35):
        d.say("SSN: {s}\n", s=emp.ssn())
    else:
        d.say("Payroll account: {i}\n", i=emp.iban())
    d.say(
        "Emergency contact: {n} ({r}), {p}\n",
        n=kin.full,
        r=c.pick(["spouse", "mother", "brother", "partner"]),
        p=kin.phone(),
    )
    d.say(
        c.pick(
            [
                "Notes: {g} asked to move to the {t} office from {dt}; {m} approved.\n",
                "Notes: relocation request to {t} ({dt}) pending sign-off by {m}.\n",
            ]
        ),
        g=emp.given,
        t=emp.town(),
        dt=f.date(c.rng),
        m=mgr.full,
    )
    return d


def intake_form(c: Ctx) -> Doc:
    d, pt, doc_, ec = c.doc(), c.person(), c.person(), c.person()
    addr = pt.address()
    d.text(
        c.pick(
            [
                "PATIENT INTAKE FORM\n",
                "New patient registration\n",
                "Claim form: section A (policyholder)\n",
            ]
        )
    )
    d.say(
        "Last name: {l}\nFirst name: {g}\nDate of birth: {b}\n",
        l=pt.family,
        g=pt.given,
        b=f.birth_date(c.rng),
    )
    d.say("Street: {s}\n", s=Val(addr.lines[0], ADDRESS))
    d.say("City / postcode: {s}\n", s=Val(", ".join(addr.lines[1:]), ADDRESS))
    d.say("Phone (mobile): {p}\nEmail: {e}\n", p=pt.phone(), e=pt.email())
    d.say(
        "Insurer: {co}, member ID {m}\n",
        co=c.pick(["Aetna", "AXA", "Allianz", "Bupa"]),
        m=f.member_id(c.rng),
    )
    if pt.country == "US" or c.chance(0.3):
        d.say("SSN: {s}\n", s=pt.ssn())
    d.say(
        "Referring physician: Dr. {n}\nEmergency contact: {e}, {p}\n",
        n=doc_.full,
        e=ec.full,
        p=ec.phone(),
    )
    return d


def shipping_label(c: Ctx) -> Doc:
    d, to, sender = c.doc(), c.person(), c.person()
    caps = c.chance(0.6)

    def cap(v: Val) -> Val:
        return v.caps() if caps and d.case == "plain" else v

    d.text("FROM: ").text(c.pick(f.COMPANIES).upper() if caps else c.pick(f.COMPANIES))
    d.text("\n").block([cap(v) for v in sender.address_lines()])
    d.text("\nSHIP TO:\n").value(cap(to.full)).text("\n")
    d.block([cap(v) for v in to.address_lines(abroad=c.chance(0.4))])
    d.say("TEL: {p}\n", p=to.phone())
    d.say(
        "TRACKING: {t}   WEIGHT: {w} KG   REF: {r}",
        t=f.tracking(c.rng),
        w=f"{c.rng.randint(1, 30)}.{c.rng.randint(0, 9)}",
        r=f.order_number(c.rng),
    )
    return d


def invoice(c: Ctx) -> Doc:
    d, buyer = c.doc(), c.person()
    d.say("INVOICE {n}    Date: {dt}\n\nBill to:\n", n=f.order_number(c.rng), dt=f.date(c.rng))
    d.value(buyer.full).text("\n")
    if c.chance(0.4):
        d.text(c.pick(f.COMPANIES) + "\n")
    d.block(buyer.address_lines())
    d.say(
        "\n1 x {prod}    {amt}\nCustomer ref: {ref}\n",
        prod=c.pick(f.PRODUCTS),
        amt=f.amount(c.rng),
        ref=f.grouped(f.luhn_failing(c.rng)),
    )
    if c.chance(0.5):
        d.say("Paid by card {card} on {dt}.\n", card=buyer.card(), dt=f.date(c.rng))
    else:
        d.say(
            "Please transfer within 14 days to IBAN {i} quoting the invoice number.\n",
            i=buyer.iban(),
        )
    return d


def csv_rows(c: Ctx) -> Doc:
    d, delim = c.doc(), c.pick([",", ";", ","])
    cols = c.pick(
        [
            ("id", "name", "email", "phone", "city"),
            ("customer_id", "full_name", "mobile", "town", "signup_ip"),
            ("name", "email", "card", "country"),
            ("employee", "ssn", "date_of_birth", "state"),
        ]
    )
    emit_row(d, list(cols), delim)
    for _ in range(c.rng.randint(2, 4)):
        p = c.person("US" if "ssn" in cols else None)
        cells: list[str | Val] = []
        for col in cols:
            if col in ("id", "customer_id"):
                cells.append(f"C{f.digits(c.rng, 6)}")
            elif col in ("name", "full_name"):
                cells.append(p.full)
            elif col == "email":
                cells.append(p.email())
            elif col in ("phone", "mobile"):
                cells.append(p.phone())
            elif col in ("city", "town"):
                cells.append(p.town())
            elif col == "signup_ip":
                cells.append(ip(c.rng))
            elif col == "card":
                cells.append(p.card())
            elif col == "ssn":
                cells.append(p.ssn())
            elif col == "employee":
                cells.append(p.full)
            elif col == "date_of_birth":
                cells.append(f.birth_date(c.rng))
            elif col == "state":
                cells.append(c.pick(["TX", "OH", "CA", "NY", "FL"]))
            else:
                cells.append(p.country)
        emit_row(d, cells, delim)
    return d


def json_tool_result(c: Ctx) -> Doc:
    d, p = c.doc(), c.person()
    addr = p.address()
    obj = {
        "tool": c.pick(["crm.lookup_customer", "orders.get", "get_contact"]),
        "status": "ok",
        "result": {
            "customer": {
                "id": f"cus_{f.digits(c.rng, 8)}",
                "name": p.full,
                "email": p.email(),
                "phone": p.phone(),
                "address": {
                    "line1": Val(addr.lines[0], ADDRESS),
                    "line2": Val(", ".join(addr.lines[1:]), ADDRESS),
                },
            },
            "last_order": {"number": f.order_number(c.rng), "total": f.amount(c.rng)},
        },
    }
    if c.chance(0.4):
        obj["result"]["customer"]["last_login_ip"] = ip(c.rng)  # type: ignore[index]  # nested dict literal
    return emit_json(d, obj, indent=c.pick([2, None]))


def log_lines(c: Ctx) -> Doc:
    d = c.doc()
    for _ in range(c.rng.randint(3, 5)):
        kind, ts, p = c.rng.random(), f.timestamp(c.rng), c.person()
        if kind < 0.3:
            d.say(
                "{ts} INFO auth.login ok user={e} ip={ip} mfa=true\n",
                ts=ts,
                e=p.email(),
                ip=ip(c.rng),
            )
        elif kind < 0.5:
            d.say(
                "{ts} WARN ratelimit client={ip} path=/api/v2/orders/{o}\n",
                ts=ts,
                ip=ip(c.rng, 0.5),
                o=f.digits(c.rng, 8),
            )
        elif kind < 0.7:
            d.say(
                "sshd[{pid}]: Failed password for {u} from {ip} port {port} ssh2\n",
                pid=f.digits(c.rng, 5),
                u=Val(p.name.given.lower(), PERSON, "lower"),
                ip=ip(c.rng, 0.2),
                port=str(c.rng.randint(1024, 65535)),
            )
        elif kind < 0.85:
            d.say(
                '{ip} - - [{ts}] "GET /account/profile HTTP/1.1" 200 {b} "-" "Mozilla/5.0"\n',
                ip=ip(c.rng, 0.1),
                ts=ts,
                b=f.digits(c.rng, 4),
            )
        else:
            d.say("{ts} DEBUG notify.sms to={ph} template=otp ok\n", ts=ts, ph=p.phone())
    return d


def _signature(c: Ctx, d: Doc, p_full: Val, p) -> None:
    d.text("\n-- \n").value(p_full).text("\n")
    d.text(c.pick(["Account Manager", "Head of Procurement", "Senior Paralegal", "Site Lead"]))
    d.say(" | {co}\n", co=c.pick(f.COMPANIES))
    d.say(
        c.pick(["M: {m}  T: {t}\n", "Mobile {m}\nOffice {t}\n", "Tel. {t} / {m}\n"]),
        m=p.phone(),
        t=p.phone(extension=c.chance(0.4)),
    )
    if c.chance(0.6):
        d.block(p.address_lines())


def email_headers(c: Ctx) -> Doc:
    d, a, b, cc = c.doc(), c.person(), c.person(), c.person()
    if c.chance(0.4):
        d.say('From: "{l}, {g}" <{e}>\n', l=a.family, g=a.given, e=a.email())
    else:
        d.say("From: {n} <{e}>\n", n=a.full, e=a.email())
    d.say("To: {n} <{e}>\n", n=b.full, e=b.email())
    if c.chance(0.6):
        d.say("Cc: {n} <{e}>, accounts@northwind.example\n", n=cc.full, e=cc.email())
    d.say("Subject: Re: delivery to {t}\nDate: {dt}\n\n", t=b.town(), dt=f.date(c.rng))
    d.say(c.pick(["Hi {g},\n\n", "Dear {g},\n\n", "{g} -\n\n"]), g=b.given)
    d.say(
        c.pick(
            [
                "Thanks for the quick turnaround. {c} will be on site on Tuesday.\n",
                "As discussed, {c} takes over the account while I am away.\n",
            ]
        ),
        c=cc.full,
    )
    _signature(c, d, a.full, a)
    return d


def signature_block(c: Ctx) -> Doc:
    d, p = c.doc(), c.person()
    d.text(
        c.pick(
            [
                "Please find the signed copy attached.\n",
                "Happy to discuss on a call.\n",
                "Let me know if anything is missing.\n",
            ]
        )
    )
    d.text(c.pick(["\nKind regards,\n", "\nBest,\n", "\nCheers\n"]))
    d.value(p.given).text("\n")
    _signature(c, d, p.full, p)
    if c.chance(0.5):
        d.say("{e}\n", e=p.email())
    return d


def people_list(c: Ctx) -> Doc:
    d = c.doc()
    d.say(
        "{h} {t}:\n",
        h=c.pick(["On-site team for", "Volunteers at", "Trainees starting in"]),
        t=c.person().town(),
    )
    bullet_style = c.pick(["- ", "• ", "* ", "{i}) "])
    for i, p in enumerate(c.people(c.rng.randint(3, 5)), 1):
        bullet, form = bullet_style.replace("{i}", str(i)), c.rng.random()
        if form < 0.4:
            d.say(
                bullet + "{n}, {r}\n", n=p.full, r=c.pick(["site lead", "electrician", "first aid"])
            )
        elif form < 0.6:
            d.say(
                bullet + "{L}, {g} ({r})\n",
                L=p.family.caps() if d.case == "plain" else p.family,
                g=p.given,
                r=c.pick(["safety", "catering", "driver"]),
            )
        elif form < 0.8:
            d.say(bullet + "{n}: {p}\n", n=p.full, p=p.phone())
        else:
            d.say(bullet + "{n} <{e}>\n", n=p.full, e=p.email())
    return d


def mixed_language(c: Ctx) -> Doc:
    d, p = c.doc(), c.person(c.country(with_phrases=True))
    hello, regards, delivery, call = LOCALES[p.country].phrases or ("Hi", "Regards", "", "")
    sender = c.person(p.country)
    d.say("{h} {g}, quick update in English for the whole team: ", h=hello, g=p.given)
    d.say(c.pick(["the parcel for {n} is ready. ", "{n} confirmed the order. "]), n=p.full)
    d.say("{dl}: {a}. ", dl=delivery[0].upper() + delivery[1:], a=p.address_line())
    d.say("{cm} {ph}.\n", cm=call[0].upper() + call[1:], ph=p.phone())
    d.say("{r},\n{s}", r=regards, s=sender.full)
    return d


def surname_list(c: Ctx) -> Doc:
    d, ppl = c.doc(), c.people(c.rng.randint(3, 5))
    d.text(c.pick(["Confirmed for Thursday: ", "Please add ", "The shortlist is "]))
    for i, p in enumerate(ppl):
        sep = "" if i == 0 else " and " if i == len(ppl) - 1 else ", "
        d.text(sep).value(p.family)
    d.text(c.pick([". ", "; "]))
    d.say(
        c.pick(
            [
                "{s} declined, and {t} asked to join remotely from {town}.",
                "Remind {s} that {t} still owes the deposit.",
            ]
        ),
        s=c.person().family,
        t=c.person().family,
        town=c.person().town(),
    )
    return d


def support_ticket(c: Ctx) -> Doc:
    d, p = c.doc(), c.person()
    d.say(
        "Ticket {t} | Priority: {pr} | Channel: {ch}\nRequester: {n} <{e}>\n\n",
        t=f.ticket(c.rng),
        pr=c.pick(["High", "Normal"]),
        ch=c.pick(["web form", "email"]),
        n=p.full,
        e=p.email(),
    )
    d.say(
        c.pick(
            [
                "I ordered a {prod} (order {o}) to {a} but the courier says it went to {town}?? ",
                "My {prod} from order {o} never arrived. The address on file is {a}, not {town}. ",
            ]
        ),
        prod=c.pick(f.PRODUCTS),
        o=f.order_number(c.rng),
        a=p.address_line(),
        town=p.town(),
    )
    d.say(
        c.pick(["Call me on {ph}.", "Reach me at {ph} after 5pm.", "My number: {ph}"]), ph=p.phone()
    )
    return d


def crm_note(c: Ctx) -> Doc:
    d, p, agent, asst = c.doc(), c.person(), c.person(), c.person()
    d.say(
        "Call note {dt} ({a}): spoke with {n} from {co}. ",
        dt=f.date(c.rng),
        a=agent.given,
        n=p.full,
        co=c.pick(f.COMPANIES),
    )
    d.say(
        c.pick(["Moving from {t1} to {t2} next month; ", "Relocated from {t1} to {t2}; "]),
        t1=p.town(),
        t2=p.town(),
    )
    d.say(
        "new billing address {a}. Prefers WhatsApp on {ph}. Follow up via assistant {g}.",
        a=p.address_line(),
        ph=p.phone(),
        g=asst.given,
    )
    return d


def bank_transfer(c: Ctx) -> Doc:
    d, p = c.doc(), c.person()
    d.text(c.pick(["Please pay the attached invoice to:\n", "Updated bank details for payouts:\n"]))
    d.say(
        "Account holder: {n}\nIBAN: {i}\nBIC: {b}\nReference: {r}\n",
        n=p.full,
        i=p.iban(),
        b=c.pick(["DEUTDEFF", "BPOTBEB1", "INGBNL2A", "BREXPLPW", "TGBATRIS"]),
        r=f.order_number(c.rng),
    )
    d.say("Beneficiary address: {a}\n", a=p.address_line())
    return d


def fraud_report(c: Ctx) -> Doc:
    d, p = c.doc(), c.person()
    d.say(
        "Chargeback alert {t}: card {c1} used from {ip} ({town}) at {tm}. ",
        t=f.ticket(c.rng),
        c1=p.card(),
        ip=ip(c.rng),
        town=c.person().town(),
        tm=f.clock(c.rng),
    )
    d.say("Cardholder {n} says they were in {town2} at the time. ", n=p.full, town2=p.town())
    if c.chance(0.6):
        d.say("A second attempt with {c2} came from {ip2}.", c2=p.card(), ip2=ip(c.rng, 0.7))
    return d


def short_request(c: Ctx) -> Doc:
    """A one-line message to an assistant, as most prompts are: one or two values."""
    d, p = c.doc(), c.person("US" if c.chance(0.3) else None)
    pick = c.rng.randrange(9)
    if pick == 0:
        d.say("Can you update my card to {v}? The old one expired.", v=p.card())
    elif pick == 1:
        d.say("Refund to {i} please, the account is in the name of {n}.", i=p.iban(), n=p.full)
    elif pick == 2:
        d.say("My SSN is {s}, what else do you need for the W-2?", s=p.ssn())
    elif pick == 3:
        d.say("Why is {ip} hitting our login page every two seconds?", ip=ip(c.rng, 0.4))
    elif pick == 4:
        d.say("pls text {g} on {ph} that the van is late", g=p.given, ph=p.phone())
    elif pick == 5:
        d.say("Draft a polite reply to {n} ({e}) declining the offer.", n=p.full, e=p.email())
    elif pick == 6:
        d.say("Summarise why we are moving {n} from {a} to {b}.", n=p.full, a=p.town(), b=p.town())
    elif pick == 7:
        d.say("Is {v} a valid card number? It was declined twice.", v=p.card())
    else:
        d.say("Translate to English and keep the address as is: {a}", a=p.address_line())
    return d


SHARED: dict[str, Shape] = {
    "short_request": short_request,
    "chat_transcript": chat_transcript,
    "meeting_minutes": meeting_minutes,
    "hr_note": hr_note,
    "intake_form": intake_form,
    "shipping_label": shipping_label,
    "invoice": invoice,
    "csv_rows": csv_rows,
    "json_tool_result": json_tool_result,
    "log_lines": log_lines,
    "email_headers": email_headers,
    "signature_block": signature_block,
    "people_list": people_list,
    "mixed_language": mixed_language,
    "surname_list": surname_list,
    "support_ticket": support_ticket,
    "crm_note": crm_note,
    "bank_transfer": bank_transfer,
    "fraud_report": fraud_report,
}
