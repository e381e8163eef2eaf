# ruff: noqa: SIM905, RUF001  (word lists read best as words; the dotless i is Turkish)
"""The words and codes postal addresses are built from, in the major Western conventions.

Street types come in three shapes: written after the name in English
(`Kramer Court`, the USPS suffix list of Publication 28 and its UK and
Australian counterparts), written before the name in Romance, Slavic and
Portuguese-speaking countries (`rue de la Paix`, `Via Roma`, `ul. Długa`,
`Rua Augusta`), or glued to the end of the name in Germanic, Nordic, Dutch
and Finnish ones (`Hauptstraße`, `Storgatan`, `Kerkstraat`, `Mannerheimintie`).
Unit designators, PO boxes, military post offices and the state and
province codes that stand before a postcode complete an address.

The hand-made lists below are joined with libpostal's words for some 60
languages (`address_dictionary`, `data/address_words.txt`): an address from a
country nobody here tuned on is still written with its own language's words.
"""

from __future__ import annotations

import re

from modelgw.trust.address_dictionary import load_address_words

_LIBPOSTAL = load_address_words()


def _alternatives(forms: frozenset[str]) -> str:
    """A regex alternation of `forms`, longest first; a space matches any spacing or dot."""
    escaped = (re.escape(f).replace(r"\ ", " ").replace(" ", r"[\s.]*") for f in forms)
    return "|".join(sorted(escaped, key=lambda f: (-len(f), f)))


# USPS Publication 28, appendix C1 (primary names and common abbreviations), with the
# British, Irish and Australian types that are not in it. Abbreviations that are everyday
# words or letters (`is`, `un`, `pr`) are left out.
ENGLISH_SUFFIXES = frozenset(
    """
    alley allee aly anex annex arcade avenue ave av bayou bayoo beach bch bend bnd bluff
    bluffs blf bottom btm boulevard blvd branch br bridge brg brook brooks brk burg burgs
    bypass byp camp canyon cyn cape cpe causeway cswy center centre ctr centers cir circle
    circles cirs cliff cliffs clf club clb common commons corner corners cor course crse court
    courts ct cts cove coves creek crk crescent cres crest crst crossing xing crossroad
    crossroads curve dale dam divide drive drives dr drs estate estates expressway expy
    extension extensions fall falls fls ferry fry field fields fld flds flat flats flt ford
    fords frd forest frst forge forges frg fork forks frk fort ft freeway fwy garden gardens
    gdn gdns gateway gtwy glen glens gln green greens grn grove groves grv harbor harbors
    harbour hbr haven hvn heights hts highway hwy hill hills hollow holw inlet island islands
    isle junction junctions jct key keys knoll knolls knl lake lakes lk land landing lndg lane
    ln light lights lgt loaf lock locks lck lodge ldg loop mall manor manors mnr meadow meadows
    mdw mews mill mills mission msn motorway mtwy mount mt mountain mountains mtn neck nck
    orchard orch oval overpass opas park parks parkway parkways pkwy pass passage psge path
    pike pine pines pne place pl plain plains pln plaza plz point points port ports prt
    prairie radial radl ramp ranch rnch rapid rapids rpd rest rst ridge ridges rdg river riv
    road roads rd rds route rte row rue run shoal shoals shl shore shores shr skyway skwy
    spring springs spg spur spurs square squares sq sqs station sta stravenue stra stream
    strm street streets st sts summit smt terrace ter throughway trwy trace trce track trak
    trafficway trfy trail trails trl trailer trlr tunnel tunl turnpike tpke underpass upas
    union unions valley valleys vly viaduct via vis view views vw village villages vlg ville
    vista walk walks wall way ways well wells
    close cl drove end gate grange mead parade pde rise wharf wynd yard laneway esplanade esp
    circuit cct concourse quay promenade boardwalk chase croft fold garth approach broadway
    """.split()
)

# Street types written before the name (French, Spanish, Catalan, Italian, Portuguese and
# Brazilian, Polish, Czech, Romanian), with their usual abbreviations.
PREFIX_TYPES = frozenset(
    """
    rue avenue av boulevard bd chemin allée allee place impasse imp quai route rte cours
    passage square faubourg fg voie sentier rond-point esplanade promenade prom. lotissement
    résidence residence hameau lieu-dit montée
    calle c. c/ avenida avda av. plaza pza paseo camino carretera ctra ronda travesía travesia
    glorieta pasaje pasadizo rambla callejón callejon cuesta bajada urbanización urbanizacion
    barrio bulevar acceso alameda cañada sector vía via carrer carrera acera jardines
    polígono poligono rúa senda vial
    viale piazza piazzale corso largo vicolo strada contrada borgo lungomare salita stretto
    incrocio rotonda canale galleria località frazione
    rua travessa praça praca estrada rodovia beco ladeira viela jardim praia pátio patio morro
    sítio sitio vila quadra conjunto residencial chácara chacara fazenda loteamento núcleo
    nucleo condomínio condominio parque vereda trecho lagoa lago ponte esplanada aeroporto
    área area campo colônia colonia distrito estação estacao favela feira passarela recanto
    setor trevo vale viaduto
    ul. ul ulica al. al aleja pl. plac os. osiedle skwer rondo
    ulice nám. náměstí třída tř. nábřeží nábř.
    bulevardul calea aleea șoseaua soseaua str. bd. b-dul șos. sos. splaiul intrarea bv.
    jl. jl jln. jln jalan
    """.split()
)
_HAND_PREFIX_TYPES = PREFIX_TYPES
PREFIX_TYPES |= _LIBPOSTAL["prefix"] | _LIBPOSTAL["prefix_ambiguous"]
# Of those, the ones that are everyday English (or Portuguese, Spanish) words as well: a
# street after one counts only with a capitalised name, or with a postcode after it.
AMBIGUOUS_PREFIX_TYPES = frozenset(
    """
    av av. bd place pl. route rte cours passage square voie residence résidence esplanade
    promenade prom. c. sector acceso senda via vía largo borgo galleria canale salita stretto
    incrocio rotonda praia pátio patio morro vila quadra conjunto residencial parque lagoa
    lago ponte aeroporto área area campo colônia colonia distrito estação estacao feira
    recanto setor trevo vale trecho vereda jardim fazenda núcleo nucleo jl. jl jln. jln
    str. bd. bv.
    """.split()
) | (_LIBPOSTAL["prefix_ambiguous"] - _HAND_PREFIX_TYPES)
"""A libpostal type that is an English word or an abbreviation is ambiguous too, unless the
hand-made list above already judged it (`avenue`, `boulevard` are sure before a name)."""
# Types after which a street name without a house number is still an address (`rue de la
# Paix`, `Calle Mayor`).
STRONG_PREFIX_TYPES = frozenset(
    """
    rue chemin impasse allée allee calle c/ avenida avda carrer carretera travesía travesia
    callejón callejon urbanización urbanizacion rua travessa praça praca rodovia estrada
    ul. ul ulica al. aleja plac os. osiedle viale piazza piazzale corso vicolo
    """.split()
)

# Endings of one-word street names (German, Dutch, Nordic, Finnish, Baltic; Hungarian and
# Turkish when written together).
GLUED_SUFFIXES = tuple(
    """
    straße strasse str weg gasse platz allee ring damm ufer chaussee steig pfad markt graben
    hof straat laan plein gracht kade singel dreef boulevard dijk steeg baan pad gatan gata
    vägen väg gränd stigen torget backen gade vej vænget stræde plads alle veien vegen gate
    gaten stien bakken haugen åsen svingen tunet katu tie kuja polku bulevardi väylä raitti
    gatvė iela tänav utca cadde caddesi sokak sokağı bulvarı stígur
    """.split()
) + tuple(sorted(_LIBPOSTAL["glued"]))
# Endings that close English words too (`during`, `ipad`, `untie`): only in a capitalised name.
AMBIGUOUS_GLUED = frozenset(
    """
    ring pad tie gate hof baan alle stien backen bakken kade steeg markt graben ufer tunet
    gata
    """.split()
)
# Written as a separate word after the name (`Ferenc körút`, `Atatürk Caddesi`).
SEPARATE_AFTER = (
    frozenset(
        """
    utca út útja körút tér köz sor fasor sétány bulevardi katu tie kuja caddesi cad. cd.
    sokak sokağı sk. sok. bulvarı blv. mahallesi mah.
    ulitsa ul. pereulok per. prospekt pr-t shosse naberezhnaya ploshchad proyezd bulvar
    """.split()
    )
    | _LIBPOSTAL["after"]
)

UNIT_WORDS = (
    r"apt\.?|apartment|appt\.?|suite|ste\.?|unit|flat|fl\.?|floor|level|lvl|room|rm\.?"
    r"|bldg\.?|building|studio|dept\.?|office|piso|puerta|planta|escalera|esc\.?|appartamento"
    r"|interno|int\.?|scala|piano|étage|etage|bâtiment|batiment|bât\.?|porte|wohnung|whg\.?"
    r"|stock|og|lok\.?|lokal|m\.|mieszkanie|apto\.?|sala|andar|bloco|casa|lgh|lägenhet"
    r"|no:|no\.|daire|kat|depto\.?|dpto\.?|departamento"
)
"""The hand-made unit words, read in every pattern. libpostal's ~360 more (`lakás`, `byt`,
`asunto`) are looked up in a set where a unit may follow a street (`address_global`): in this
alternation they made every search for a unit ~10x slower."""
PO_BOX = (
    r"p\.?\s?o\.?\s?box|pob|post\s+office\s+box|postfach|postbus|boîte\s+postale"
    r"|apartado(?:\s+de\s+correos)?|caixa\s+postal|casella\s+postale|skrytka\s+pocztowa"
    r"|postboks|postilokero|"
) + _alternatives(_LIBPOSTAL["po_box"])
HOUSE_NUMBER_WORDS = _alternatives(
    _LIBPOSTAL["house_number"] | {"no", "nr", "nº", "n°", "n.º", "#", "д", "дом", "буд", "d"}
)
"""The word for "number" before a house number (`No: 12`, `nº 5`, `číslo 7`, Russian `д. 7`,
`d. 7` romanised)."""
MILITARY_SHIPS = r"USNS|USS|USCGC|USNV|USAV|USNA"

US_STATES = frozenset(
    """
    AL AK AZ AR CA CO CT DE DC FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH
    NJ NM NY NC ND OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY AS GU MP PR VI UM FM MH PW
    AA AE AP
    """.split()
)
CA_PROVINCES = frozenset("AB BC MB NB NL NS NT NU ON PE QC SK YT".split())
AU_STATES = frozenset("ACT NSW NT QLD SA TAS VIC WA".split())

POSTCODE = (
    r"(?:[A-Za-z]{1,2}-)?\d{5}(?:-\d{4})?"  # US ZIP(+4), DE, FR, ES, IT, FI, SE, D-12345
    r"|\d{3}\s\d{2}"  # SE, CZ, SK, GR
    r"|\d{2}-\d{3}"  # PL
    r"|\d{4}-\d{3}"  # PT
    r"|\d{5}-\d{3}|\d{8}"  # BR
    r"|\d{4}\s?[A-Za-z]{2}(?![A-Za-z])"  # NL
    r"|(?:[A-Za-z]{1,2}-)?\d{4}"  # AT, CH, DK, NO, BE, AU, HU, H-1234
    r"|[A-Za-z]{1,2}\d[A-Za-z\d]?\s?\d[A-Za-z]{2}"  # UK
    r"|[A-Za-z]\d[A-Za-z]\s?\d[A-Za-z]\d"  # CA
    r"|[A-Za-z]\d[\dWw]\s?[A-Za-z\d]{4}"  # IE Eircode
    r"|\d{6,7}"  # IN, RO, RU, VN, NG, CO (six), CL, IL (seven): read only beside a street or town
    r"|[A-Za-z]\d{4}[A-Za-z]{3}"  # AR (CPA: province letter, four digits, block letters)
)
SHORT_POSTCODE = r"\d{3}(?![\d\-])"
"""Iceland's and the Faroes' three digits (`608 Selfoss`): a postcode only before a town or
after the word for one, as alone it is any number."""
UK_POSTCODE = r"[A-Z]{1,2}\d[A-Z\d]?\s?\d[A-Z]{2}"
POSTCODE_CUES = (
    r"zip(?:\s?code)?|postcode|post\s?code|postal\s?code|plz|cep|code\s+postal|c\.?a\.?p\.?"
    r"|kod\s+pocztowy|postnummer|postinumero|psč|irányítószám|eircode|c\.\s?p\.|código\s+postal"
    r"|postcode|postnr\.?|póstnúmer|우편번호"
)
