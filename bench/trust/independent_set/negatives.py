"""Hard negatives: text with nothing to mask that looks as if it had.

Titles of songs, books and films that are capitalised phrases or contain place
and first names; company and product names built from surnames; street-like
phrases that are not addresses; numbers shaped like phones, cards and IBANs
that fail their checks; place names used as ordinary words. Any prediction on
these texts is a false positive.
"""

from __future__ import annotations

from bench.trust.independent_set import fillers as f
from bench.trust.independent_set.ctx import Ctx
from bench.trust.independent_set.writer import Doc

SONGS = (
    "Penny Lane",
    "Hotel California",
    "Sweet Caroline",
    "Galway Girl",
    "Waterloo",
    "Jolene",
    "Roxanne",
    "Take Me Home, Country Roads",
    "Copacabana",
    "Mrs Robinson",
    "Viva la Vida",
    "Bohemian Rhapsody",
    "Ob-La-Di, Ob-La-Da",
    "Eleanor Rigby",
    "Layla",
)
BOOKS = (
    "Pride and Prejudice",
    "The Old Man and the Sea",
    "Little Women",
    "Of Mice and Men",
    "Gone Girl",
    "A Gentleman in Moscow",
    "The Girl with the Dragon Tattoo",
    "Anne of Green Gables",
    "Brideshead Revisited",
    "The Shadow of the Wind",
    "Things Fall Apart",
    "Norwegian Wood",
)
FILMS = (
    "Casablanca",
    "Fargo",
    "Philadelphia",
    "Chinatown",
    "Manchester by the Sea",
    "Notting Hill",
    "Lost in Translation",
    "Amélie",
    "Roma",
    "Paris, Texas",
    "Brooklyn",
    "Nomadland",
)
ORGS = (
    "Morgan Stanley",
    "Johnson & Johnson",
    "Procter & Gamble",
    "Marks & Spencer",
    "Wells Fargo",
    "Ernst & Young",
    "Ben & Jerry's",
    "Tim Hortons",
    "Mercedes-Benz",
    "Dr. Oetker",
    "Hugo Boss",
    "Louis Vuitton",
    "Tommy Hilfiger",
    "Kellogg's",
)
STREET_LIKE = (
    "Main Street Bank",
    "Wall Street analysts",
    "the Abbey Road sessions",
    "Sesame Street reruns",
    "Park Avenue Deli",
    "Bourbon Street Grill",
    "Route 66 nostalgia",
    "Baker Street (the song)",
    "Fifth Avenue Chocolatiere",
    "High Street retailers",
    "the Broadway revival",
)
WORDS = (
    "a turkey sandwich",
    "fine china",
    "a football jersey",
    "a bottle of champagne",
    "french fries",
    "brussels sprouts",
    "a panama hat",
    "bermuda shorts",
    "an oxford shirt",
    "chelsea boots",
    "buffalo wings",
    "a java update",
    "a bath towel",
    "the mobile app",
    "danish pastries",
    "a nice surprise",
)
PERSON_LIKE = (
    "Mark the invoice as paid",
    "Will you sign the form",
    "Grace period ends Friday",
    "Rose gold finish",
    "Ruby on Rails upgrade",
    "Amber warning for wind",
    "Jasmine tea",
    "Victoria sponge",
    "Earl Grey",
    "the April release",
    "a jack for the tyre",
)


def media_list(c: Ctx) -> Doc:
    d = c.doc()
    d.text(c.pick(["Playlist for the office party: ", "Karaoke requests so far: "]))
    d.text(", ".join(c.rng.sample(SONGS, 4)) + ".\n")
    d.text(c.pick(["Book club shortlist: ", "Reading list for the flight: "]))
    d.text("; ".join(c.rng.sample(BOOKS, 3)) + ".\n")
    d.text(f"Film night: {c.pick(FILMS)} or {c.pick(FILMS)}, then pizza.")
    return d


def number_lookalikes(c: Ctx) -> Doc:
    d, rng = c.doc(), c.rng
    d.text(f"Order {f.order_number(rng)} shipped on {f.date(rng)} (tracking {f.tracking(rng)}). ")
    d.text(f"Invoice {f.order_number(rng)} for {f.amount(rng)} is due {f.date(rng)}. ")
    d.text(f"Voucher code {f.grouped(f.luhn_failing(rng, c.pick([15, 16, 19])))}. ")
    d.text(f"ISBN {f.isbn13(rng)}; firmware {f.version(rng)}; ")
    d.text(f"hotline placeholder {f.invalid_phone(rng)} (not in service). ")
    d.text(f"Batch {f.member_id(rng)} logged at {f.timestamp(rng)}.")
    return d


def brands(c: Ctx) -> Doc:
    d = c.doc()
    a, b, e = c.rng.sample(ORGS, 3)
    d.text(f"Analysts at {a} expect {b} to beat estimates, while {e} cut its outlook. ")
    d.text(f"We also compared {c.pick(f.PRODUCTS)} against {c.pick(f.PRODUCTS)} for the pilot.")
    return d


def street_like(c: Ctx) -> Doc:
    d = c.doc()
    a, b, e = c.rng.sample(STREET_LIKE, 3)
    d.text(f"Lunch options near the venue: {a}, {b}. ")
    d.text(f"Someone mentioned {e} as well, and the keynote quoted {c.pick(BOOKS)}.")
    return d


def ordinary_words(c: Ctx) -> Doc:
    d = c.doc()
    w = c.rng.sample(WORDS, 3)
    p = c.rng.sample(PERSON_LIKE, 2)
    d.text(f"Catering order: {w[0]}, {w[1]} and {w[2]}. {p[0]}. {p[1]} for the guests.")
    return d


def release_notes(c: Ctx) -> Doc:
    d, rng = c.doc(), c.rng
    d.text(f"Release {f.version(rng)} ({f.date(rng)})\n")
    d.text(f"- Fixed crash when importing {c.pick(BOOKS)}.epub (ISBN {f.isbn13(rng)})\n")
    d.text(f"- Build {f.digits(rng, 10)} signed; checksum {f.digits(rng, 8)}\n")
    d.text(f"- Updated {c.pick(ORGS)} partner SDK to {f.version(rng)}\n")
    d.text(f"- Known issue: ticket {f.ticket(rng)} on Windows 11 23H2")
    return d


def menu(c: Ctx) -> Doc:
    d = c.doc()
    d.text("Today's menu: Eggs Benedict, Caesar salad, Boston cream pie, ")
    d.text(f"{c.pick(['Victoria sponge', 'Black Forest gateau', 'Key lime pie'])}. ")
    d.text(f"Drinks: {c.pick(['Bloody Mary', 'Tom Collins', 'Long Island iced tea'])}, ")
    d.text(
        f"{c.pick(['Earl Grey', 'Darjeeling', 'Turkish coffee'])}. Table {c.rng.randint(1, 40)}."
    )
    return d
