# ruff: noqa: SIM905  (word lists read best as words)
"""States, provinces and codes that close an address line outside the US, Canada and Australia.

India and Nigeria write `Town, State 560001` (six-digit PIN and postcode);
Brazil ends the CEP line with the state's two letters (`Belo Horizonte - MG`);
Italy puts the province's two letters after the town (`09124 Cagliari CA`).
"""

from __future__ import annotations

IN_STATES = frozenset(
    """
    andhra pradesh|arunachal pradesh|assam|bihar|chhattisgarh|goa|gujarat|haryana
    |himachal pradesh|jharkhand|karnataka|kerala|madhya pradesh|maharashtra|manipur|meghalaya
    |mizoram|nagaland|odisha|orissa|punjab|rajasthan|sikkim|tamil nadu|telangana|tripura
    |uttar pradesh|uttarakhand|west bengal|andaman and nicobar islands|chandigarh
    |dadra and nagar haveli and daman and diu|delhi|new delhi|jammu and kashmir|ladakh
    |lakshadweep|puducherry|pondicherry
    """.replace("\n", "").split("|")
)
NG_STATES = frozenset(
    """
    abia|adamawa|akwa ibom|anambra|bauchi|bayelsa|benue|borno|cross river|delta|ebonyi|edo
    |ekiti|enugu|gombe|imo|jigawa|kaduna|kano|katsina|kebbi|kogi|kwara|lagos|nasarawa|niger
    |ogun|ondo|osun|oyo|plateau|rivers|sokoto|taraba|yobe|zamfara|fct|abuja
    """.replace("\n", "").split("|")
)
SIX_DIGIT_STATES = frozenset(s.strip() for s in IN_STATES | NG_STATES if s.strip())
"""Regions whose postcodes have six digits, written after the region's name."""

BR_STATES = frozenset(
    "AC AL AP AM BA CE DF ES GO MA MT MS MG PA PB PR PE PI RJ RN RS RO RR SC SP SE TO".split()
)
IT_PROVINCES = frozenset(
    """
    AG AL AN AO AP AQ AR AT AV BA BG BI BL BN BO BR BS BT BZ CA CB CE CH CL CN CO CR CS CT CZ
    EN FC FE FG FI FM FR GE GO GR IM IS KR LC LE LI LO LT LU MB MC ME MI MN MO MS MT NA NO NU
    OR PA PC PD PE PG PI PN PO PR PT PU PV PZ RA RC RE RG RI RM RN RO SA SI SO SP SR SS SU SV
    TA TE TN TO TP TR TS TV UD VA VB VC VE VI VR VT VV
    """.split()
)
BUILDING_WORDS = (
    r"house|court|apartments|apts|residency|residence|towers?|heights|mansions?|lodge|villas?"
    r"|enclave|complex|block|building|chambers|plaza|maison|palace|gardens|terrace|hall|manor"
)
"""The last word of a building's name before its street (`Flat 2, Mercer House, 5 Mill Lane`)."""
