"""Document kinds a gateway sees from business systems, each filled with labelled values.

A template returns pieces: plain text, or (entity type, value, variant). A
value that a person would disguise may come back disguised (see
`obfuscations`); what stays plain is labelled `plain`. Filler sentences
carry what must *not* be masked: order and ticket numbers, amounts, dates,
versions, product names, and titles of songs and books (capitalised words
that a name finder mistakes for people).
"""

from __future__ import annotations

import random
from collections.abc import Callable

from faker import Faker

from bench.trust.business_set import values as val
from bench.trust.business_set.obfuscations import obfuscate

Piece = str | tuple[str, str, str]

TITLES = (
    "Hotel California",
    "Purple Rain",
    "Born to Run",
    "The Old Man and the Sea",
    "Pride and Prejudice",
    "Billie Jean",
    "Layla",
    "Jolene",
    "Hey Jude",
    "Moby Dick",
    "Wuthering Heights",
    "Great Expectations",
    "Bohemian Rhapsody",
    "Sweet Caroline",
    "Anna Karenina",
    "Madame Bovary",
    "The Great Gatsby",
    "Little Women",
    "Dancing Queen",
    "Yellow Submarine",
    "Mrs Dalloway",
    "Jane Eyre",
    "Roxanne",
    "Wonderwall",
    "Lord of the Flies",
    "The Catcher in the Rye",
    "Don Quixote",
    "Uptown Funk",
    "Blue Monday",
    "Penny Lane",
)
PRODUCTS = (
    "ThinkPad X1 Carbon",
    "Galaxy Tab S9",
    "Office 365 Business",
    "AirPods Pro",
    "Dell UltraSharp U2723QE",
    "Jira Service Management",
    "Salesforce Sales Cloud",
    "Acrobat Pro",
    "iPhone 15 Pro Max",
    "Kindle Paperwhite",
)
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday")


class Doc:
    """One document being written: its random source, its people's locales, disguise rate."""

    def __init__(
        self, rng: random.Random, locales: tuple[str, ...], seed: int, obfuscation_rate: float
    ) -> None:
        self.rng = rng
        self.locales = locales
        self.seed = seed
        self.obfuscation_rate = obfuscation_rate

    def fake(self, locale: str | None = None) -> Faker:
        return val.faker(locale or self.rng.choice(self.locales), self.seed)

    def person(self, locale: str | None = None) -> val.Person:
        return val.person(self.fake(locale), self.rng)

    def us(self) -> Faker:
        return val.faker("en_US", self.seed)

    def v(self, entity_type: str, value: str) -> Piece:
        """A labelled value, disguised now and then."""
        if self.rng.random() < self.obfuscation_rate:
            disguised = obfuscate(entity_type, value, self.rng)
            if disguised is not None:
                return (entity_type, disguised[0], disguised[1])
        return (entity_type, value, "plain")

    def filler(self) -> str:
        r, f = self.rng, self.us()
        return r.choice(
            [
                f"Order {r.randint(100000, 999999)} ships on {_date(r)}.",
                f"The quote was {r.randint(2, 90)},{r.randint(100, 999)}.{r.randint(10, 99)} EUR"
                " excl. VAT.",
                f"We are on version {r.randint(1, 9)}.{r.randint(0, 20)}.{r.randint(0, 9)} now.",
                f"Ref: INV-{r.randint(2019, 2026)}-{r.randint(10000, 99999)}.",
                f"The team played '{r.choice(TITLES)}' at the party and read"
                f" '{r.choice(TITLES)}' for the book club.",
                f"It concerns the {r.choice(PRODUCTS)} from the last batch.",
                f"Tracking number 1Z{r.randint(100, 999)}AA{r.randint(10**9, 10**10 - 1)}.",
                f"Meeting moved to {r.choice(WEEKDAYS)} at {r.randint(8, 17)}:"
                f"{r.choice(['00', '30'])}.",
                f"{f.company()} confirmed the {f.catch_phrase().lower()} rollout.",
                f"SKU {r.randint(100, 999)}-{r.randint(1000, 9999)}-{r.randint(10, 99)} is back"
                " in stock.",
                f"Case {r.randint(1000000, 9999999)} was escalated to tier 2.",
                f"Our NPS went from {r.randint(20, 40)} to {r.randint(41, 70)} this quarter.",
                "",
            ]
        )


Template = Callable[[Doc], list[Piece]]


def _date(r: random.Random, first_year: int = 2018, last_year: int = 2026) -> str:
    """A date from the random source alone (Faker's dates move with today's)."""
    year, month, day = r.randint(first_year, last_year), r.randint(1, 12), r.randint(1, 28)
    return r.choice([f"{year}-{month:02d}-{day:02d}", f"{day:02d}/{month:02d}/{year}"])


def _one_line(address: str) -> str:
    return address.replace("\n", ", ")


def support_ticket(d: Doc) -> list[Piece]:
    p, r = d.person(), d.rng
    return [
        f"Ticket #{r.randint(10000, 99999)}\nSubject: "
        f"{r.choice(['Refund', 'Double charge', 'Late delivery'])}\nFrom: ",
        ("PERSON", p.name, "plain"),
        " <",
        d.v("EMAIL_ADDRESS", p.email),
        f">\n\nHi, I ordered the {r.choice(PRODUCTS)} and the card ",
        d.v("CREDIT_CARD", val.card(d.us(), r)),
        " was charged twice. Please call me at ",
        d.v("PHONE_NUMBER", val.phone(p, r)),
        ". Shipping address:\n",
        ("ADDRESS", p.address, "plain"),
        f"\n\n{d.filler()}\nThanks,\n",
        ("PERSON", p.first, "plain"),
    ]


def crm_note(d: Doc) -> list[Piece]:
    p, r, f = d.person(), d.rng, d.fake()
    other = d.fake(p.locale).city()
    return [
        "Call with ",
        ("PERSON", p.name, "plain"),
        f" ({f.company()}). Moved from ",
        ("LOCATION", other, "plain"),
        " to ",
        ("LOCATION", p.city, "plain"),
        " last month; invoices now go to ",
        ("ADDRESS", _one_line(p.address), "plain"),
        ". Mobile ",
        d.v("PHONE_NUMBER", val.phone(p, r)),
        f". Follow up on {r.choice(WEEKDAYS)}. {d.filler()}",
    ]


def email_thread(d: Doc) -> list[Piece]:
    a, b, r = d.person(), d.person(), d.rng
    company = d.fake(a.locale).company()
    return [
        "From: ",
        ("PERSON", a.name, "plain"),
        " <",
        d.v("EMAIL_ADDRESS", a.email),
        ">\nTo: ",
        d.v("EMAIL_ADDRESS", b.email),
        "\nSubject: Re: contract renewal\n\nHi ",
        ("PERSON", b.first, "plain"),
        f",\n\nthanks for the draft. {d.filler()} Legal wants the signed copy by post.\n\n"
        "Best regards,\n",
        ("PERSON", a.name, "plain"),
        f"\n{d.fake(a.locale).job()} | {company}\n",
        ("ADDRESS", a.address, "plain"),
        "\nT: ",
        d.v("PHONE_NUMBER", val.phone(a, r)),
        "\n\n-----Original Message-----\nFrom: ",
        ("PERSON", b.name, "plain"),
        f"\nSent: {r.choice(WEEKDAYS)}\n\nPlease find the renewal attached. Call me on ",
        d.v("PHONE_NUMBER", val.phone(b, r)),
        " if anything is unclear.",
    ]


def registration_form(d: Doc) -> list[Piece]:
    p, r = d.person(), d.rng
    return [
        "Customer registration\nFull name: ",
        ("PERSON", p.name, "plain"),
        f"\nDate of birth: {_date(r, 1940, 2006)}\nStreet: ",
        ("ADDRESS", p.street, "plain"),
        "\nCity: ",
        ("LOCATION", p.city, "plain"),
        "\nPostcode: ",
        ("ADDRESS", p.postcode, "plain"),
        "\nCountry: ",
        ("LOCATION", p.country, "plain"),
        "\nPhone: ",
        d.v("PHONE_NUMBER", val.phone(p, r)),
        "\nE-mail: ",
        d.v("EMAIL_ADDRESS", p.email),
        "\nIBAN: ",
        d.v("IBAN_CODE", val.iban(d.fake(p.locale), r)),
        f"\nCustomer since: {r.randint(1995, 2025)}",
    ]


def us_form(d: Doc) -> list[Piece]:
    p, r, us = d.person("en_US"), d.rng, d.us()
    return [
        "W-4 update for ",
        ("PERSON", p.name, "plain"),
        "\nSSN: ",
        d.v("US_SSN", val.ssn(us, r)),
        "\nHome address: ",
        ("ADDRESS", _one_line(p.address) if r.random() < 0.5 else p.address, "plain"),
        "\nDirect deposit card: ",
        d.v("CREDIT_CARD", val.card(us, r)),
        f"\n{d.filler()}",
    ]


def chat_log(d: Doc) -> list[Piece]:
    p, r = d.person(), d.rng
    return [
        "[10:42] agent: how can I help you today?\n[10:43] customer: hi, this is ",
        ("PERSON", p.name, "plain"),
        ", my card ",
        d.v("CREDIT_CARD", val.card(d.us(), r)),
        " was declined at your store in ",
        ("LOCATION", p.city, "plain"),
        "\n[10:44] agent: sorry about that, can you confirm your e-mail?\n[10:44] customer: ",
        d.v("EMAIL_ADDRESS", p.email),
        "\n[10:45] agent: thanks, I see the order. "
        + d.filler()
        + "\n[10:46] customer: ok call me on ",
        d.v("PHONE_NUMBER", val.phone(p, r)),
    ]


def shipping_notice(d: Doc) -> list[Piece]:
    p, r = d.person(), d.rng
    box = val.po_box(d.us(), r)
    return [
        "Your parcel for ",
        ("PERSON", p.name, "plain"),
        " will be delivered to:\n",
        ("ADDRESS", p.address, "plain"),
        "\nIf nobody is home we send it to the PO box on file:\n",
        ("ADDRESS", box, "plain"),
        f"\n{d.filler()}",
    ]


def hr_note(d: Doc) -> list[Piece]:
    p, q, r = d.person(), d.person(), d.rng
    return [
        "Onboarding for ",
        ("PERSON", p.name, "plain"),
        " starts Monday. Payroll IBAN ",
        d.v("IBAN_CODE", val.iban(d.fake(p.locale), r)),
        ". Emergency contact: ",
        ("PERSON", q.name, "plain"),
        " on ",
        d.v("PHONE_NUMBER", val.phone(q, r)),
        ". Laptop gets the fixed address ",
        d.v("IP_ADDRESS", val.ip(d.us(), r)),
        f". {d.filler()}",
    ]


def it_incident(d: Doc) -> list[Piece]:
    p, r = d.person(), d.rng
    return [
        "INC-",
        f"{r.randint(100000, 999999)}: user ",
        ("PERSON", p.name, "plain"),
        " (",
        d.v("EMAIL_ADDRESS", p.email),
        ") reports VPN drops from ",
        d.v("IP_ADDRESS", val.ip(d.us(), r)),
        "; last good login from ",
        d.v("IP_ADDRESS", val.ip(d.us(), r)),
        " in ",
        ("LOCATION", p.city, "plain"),
        f". {d.filler()}",
    ]


def military_mail(d: Doc) -> list[Piece]:
    p = d.person("en_US")
    return [
        "Please forward the replacement unit to ",
        ("PERSON", p.name, "plain"),
        " at\n",
        ("ADDRESS", val.military(d.us(), d.rng), "plain"),
        "\nas soon as possible; customs forms are attached.",
    ]


def attendee_list(d: Doc) -> list[Piece]:
    people = [d.person() for _ in range(d.rng.randint(3, 4))]
    pieces: list[Piece] = ["Attendees from the vendor side: "]
    for i, p in enumerate(people):
        if i:
            pieces.append(" and " if i == len(people) - 1 else ", ")
        pieces.append(("PERSON", p.last, "plain"))
    pieces.append(f". {d.filler()}")
    return pieces


def visit_plan(d: Doc) -> list[Piece]:
    p = d.person()
    return [
        ("PERSON", p.name, "plain"),
        " will visit our office in ",
        ("LOCATION", d.fake(p.locale).city(), "plain"),
        " next week and stays with family in ",
        ("LOCATION", p.city, "plain"),
        ", ",
        ("LOCATION", p.country, "plain"),
        f". {d.filler()} Reach her at ",
        d.v("EMAIL_ADDRESS", p.email),
        ".",
    ]


def address_change(d: Doc) -> list[Piece]:
    p = d.person()
    new = d.person(p.locale)
    return [
        "Hello, I moved. Please change my address from ",
        ("ADDRESS", p.street, "plain"),
        " to ",
        ("ADDRESS", _one_line(new.address), "plain"),
        ". The old ",
        *_postcode(d, p),
        " is no longer valid.\nKind regards, ",
        ("PERSON", p.name, "plain"),
    ]


def _postcode(d: Doc, p: val.Person) -> list[Piece]:
    lead, code = val.postcode_phrase(p, d.rng)
    return [lead, ("ADDRESS", code, "plain")]


def payment_dispute(d: Doc) -> list[Piece]:
    p, r = d.person(), d.rng
    return [
        "I do not recognise the charge of ",
        f"{r.randint(20, 900)}.{r.randint(10, 99)} on card ",
        d.v("CREDIT_CARD", val.card(d.us(), r)),
        ". Please refund it to my account ",
        d.v("IBAN_CODE", val.iban(d.fake(p.locale), r)),
        ". ",
        ("PERSON", p.name, "plain"),
        ", ",
        ("ADDRESS", _one_line(p.address), "plain"),
    ]


def callback_note(d: Doc) -> list[Piece]:
    p, r = d.person(), d.rng
    q = d.person(p.locale)
    return [
        "customer ",
        ("PERSON", p.name, "plain"),
        " called from ",
        d.v("PHONE_NUMBER", val.phone(p, r)),
        " (mobile), wants a callback on ",
        d.v("PHONE_NUMBER", val.phone(q, r)),
        f" (office) before {r.randint(2, 5)} pm. SSN on file ",
        d.v("US_SSN", val.ssn(d.us(), r)),
        ".",
    ]


def invoice_header(d: Doc) -> list[Piece]:
    p, r = d.person(), d.rng
    return [
        f"INVOICE {r.randint(2020, 2026)}-{r.randint(1000, 9999)}\nBill to:\n",
        ("PERSON", p.name, "plain"),
        f"\n{d.fake(p.locale).company()}\n",
        ("ADDRESS", p.address, "plain"),
        f"\n\nTotal due: {r.randint(100, 9999)}.{r.randint(10, 99)}\nPay to IBAN ",
        d.v("IBAN_CODE", val.iban(d.fake(p.locale), r)),
        f" within 30 days. {d.filler()}",
    ]


def courier_message(d: Doc) -> list[Piece]:
    p, r = d.person(), d.rng
    return [
        "the courier could not find ",
        ("ADDRESS", p.street, "plain"),
        " and left a note. i live at ",
        ("ADDRESS", _one_line(p.address), "plain"),
        ", please tell them to ring ",
        d.v("PHONE_NUMBER", val.phone(p, r)),
        f". {d.filler()}",
    ]


def clean_note(d: Doc) -> list[Piece]:
    """No personal data at all: what must come through unmasked."""
    r = d.rng
    return [" ".join(d.filler() for _ in range(r.randint(2, 4))).strip() or "No update today."]


TEMPLATES: tuple[tuple[Template, int], ...] = (
    (support_ticket, 3),
    (crm_note, 3),
    (email_thread, 3),
    (registration_form, 2),
    (us_form, 2),
    (chat_log, 2),
    (shipping_notice, 2),
    (hr_note, 2),
    (it_incident, 2),
    (military_mail, 1),
    (attendee_list, 2),
    (visit_plan, 2),
    (address_change, 2),
    (payment_dispute, 2),
    (callback_note, 2),
    (invoice_header, 2),
    (courier_message, 2),
    (clean_note, 2),
)
