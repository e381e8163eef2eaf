"""Recognizers: the useful Presidio built-ins plus ours where Presidio is weak (one per file)."""

from __future__ import annotations

from presidio_analyzer import EntityRecognizer

from modelgw.trust.name_lists import NameLists
from modelgw.trust.place_names import PlaceNames
from modelgw.trust.recognizers.address_global import GlobalAddressRecognizer
from modelgw.trust.recognizers.bearer_token import BearerTokenRecognizer
from modelgw.trust.recognizers.cloud_keys import CloudKeyRecognizer
from modelgw.trust.recognizers.credit_card import PaymentCardRecognizer
from modelgw.trust.recognizers.iban import CheckedIbanRecognizer
from modelgw.trust.recognizers.ip_address import IpAddressRecognizer
from modelgw.trust.recognizers.jwt import JwtRecognizer
from modelgw.trust.recognizers.labelled_fields import LabelledFieldsRecognizer
from modelgw.trust.recognizers.mac_address import MacAddressFormatsRecognizer
from modelgw.trust.recognizers.names_by_case import NamesByCaseRecognizer
from modelgw.trust.recognizers.names_by_role import NamesByRoleRecognizer
from modelgw.trust.recognizers.names_in_context import NamesInContextRecognizer
from modelgw.trust.recognizers.password import PasswordRecognizer
from modelgw.trust.recognizers.phone_number import PhoneNumberRecognizer
from modelgw.trust.recognizers.places_by_case import PlacesByCaseRecognizer
from modelgw.trust.recognizers.places_by_cue import PlacesByCueRecognizer
from modelgw.trust.recognizers.places_in_context import PlacesInContextRecognizer
from modelgw.trust.recognizers.private_key import PrivateKeyRecognizer
from modelgw.trust.recognizers.ssn import CuedSsnRecognizer

# Presidio's own recognizers we keep; cards, IBAN, IP, MAC and phone are replaced by ours, NER runs
# apart. Our class names must differ from Presidio's: its registry loader finds classes by name.
PRESIDIO_BUILTINS = (
    "CryptoRecognizer",
    "EmailRecognizer",
    "MedicalLicenseRecognizer",
    "NhsRecognizer",
    "UsBankRecognizer",
    "UsItinRecognizer",
    "UsLicenseRecognizer",
    "UsPassportRecognizer",
    "UsSsnRecognizer",
)


def builtin_recognizers(language: str) -> list[EntityRecognizer]:
    import presidio_analyzer.predefined_recognizers as predefined

    from modelgw.trust.recognizers import presidio_checked as checked

    # Built-ins run as our subclass that skips the texts (or parts) they cannot match, where we
    # have one (`presidio_checked`).
    quick: dict[str, type[EntityRecognizer]] = {
        "EmailRecognizer": checked.CheckedEmailRecognizer,
        "MedicalLicenseRecognizer": checked.CheckedMedicalLicenseRecognizer,
        "UsLicenseRecognizer": checked.CheckedUsLicenseRecognizer,
        "UsPassportRecognizer": checked.CheckedUsPassportRecognizer,
    }
    return [
        quick.get(name, getattr(predefined, name))(supported_language=language)
        for name in PRESIDIO_BUILTINS
    ]


def own_recognizers(names: NameLists, places: PlaceNames) -> list[EntityRecognizer]:
    return [
        GlobalAddressRecognizer(places, names),
        BearerTokenRecognizer(),
        CloudKeyRecognizer(),
        CheckedIbanRecognizer(),
        PhoneNumberRecognizer(),
        IpAddressRecognizer(),
        JwtRecognizer(),
        LabelledFieldsRecognizer(names),
        MacAddressFormatsRecognizer(),
        PaymentCardRecognizer(),
        NamesByCaseRecognizer(names),
        NamesInContextRecognizer(names),
        NamesByRoleRecognizer(names),
        PasswordRecognizer(),
        PlacesByCaseRecognizer(places),
        PlacesByCueRecognizer(places, names),
        PlacesInContextRecognizer(places, names),
        PrivateKeyRecognizer(),
        CuedSsnRecognizer(),
    ]


__all__ = ["PRESIDIO_BUILTINS", "builtin_recognizers", "own_recognizers"]
