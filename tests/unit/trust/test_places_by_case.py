"""Places in lower case and ALL CAPS: the gazetteer, the recognizer, and the detector's output."""

from __future__ import annotations

import presidio_analyzer.predefined_recognizers as predefined
import pytest

from bench.trust.build_eval_set import CLEAN
from modelgw.common.config.trust import TrustConfig
from modelgw.trust.place_names import PlaceNames, load_place_names
from modelgw.trust.recognizers.places_by_case import PlacesByCaseRecognizer


@pytest.fixture(scope="module")
def places() -> PlaceNames:
    return load_place_names()


@pytest.fixture(scope="module")
def recognizer(places: PlaceNames) -> PlacesByCaseRecognizer:
    return PlacesByCaseRecognizer(places)


def found(recognizer: PlacesByCaseRecognizer, text: str) -> list[str]:
    return [text[a:b] for a, b in recognizer.find(text)]


@pytest.mark.parametrize(
    ("text", "place"),
    [
        ("they want it by friday and sent to berlin", "berlin"),
        ("ABOUT THE INVOICE, SHIP TO DUBLIN.", "DUBLIN"),
        ("we are based in chicago now", "chicago"),
        ("she moved to toronto last year", "toronto"),
        ("our office in amsterdam is closed", "amsterdam"),
        ("FLIGHT TO SYDNEY DELAYED", "SYDNEY"),
        ("the parcel came from houston, via denver", "houston"),
        ("a hotel near atlanta", "atlanta"),
    ],
)
def test_lower_case_and_caps_places_after_a_cue(
    recognizer: PlacesByCaseRecognizer, text: str, place: str
) -> None:
    assert place in found(recognizer, text)


def test_a_single_word_city_needs_a_cue(recognizer: PlacesByCaseRecognizer) -> None:
    assert found(recognizer, "phoenix is the name of our new service") == []
    assert found(recognizer, "thanks to phoenix we ship faster") == []  # `thanks to`: no place
    assert found(recognizer, "the team moved to phoenix") == ["phoenix"]


def test_a_town_alone_in_brackets_or_before_a_region_word(
    recognizer: PlacesByCaseRecognizer,
) -> None:
    assert found(recognizer, "MEETING NOTES (LUGANO): QUOTE BY FRIDAY") == ["LUGANO"]
    assert found(recognizer, "she will cover the mödling region") == ["mödling"]
    assert found(recognizer, "phoenix (the new service) is live") == []


@pytest.mark.parametrize(
    ("text", "place"),
    [
        ("MEETING NOTES (BRAȘOV): QUOTE BY FRIDAY", "BRAȘOV"),  # GeoNames: `Braşov`, a cedilla
        ("travel: she flies to hội an on thursday", "hội an"),  # GeoNames: `Hoi An`
        ("THE TECHNICIAN WILL VISIT IN KŌFU", "KŌFU"),
        ("she moved from lodz last year", "lodz"),  # `Łódź`: a stroke no decomposition folds
    ],
)
def test_a_place_written_with_other_accents_than_the_gazetteer(
    recognizer: PlacesByCaseRecognizer, places: PlaceNames, text: str, place: str
) -> None:
    assert found(recognizer, text) == [place]
    assert place in places


def test_title_case_is_left_to_the_ner_model(recognizer: PlacesByCaseRecognizer) -> None:
    assert found(recognizer, "I live in Dublin and fly to New York") == []


@pytest.mark.parametrize(
    "text",
    [
        "nice work on the release",
        "I was reading the report in the mobile app",
        "interested in reading more",
        "let's try to split the bill",
        "highlighted in orange",
        "growth in billings was strong",
        "we plan to migrate to aurora",
        "delayed due to delta",
        "a surprise in enterprise sales",
        "the high point of the quarter",
        "roast turkey for lunch",
    ],
)
def test_common_words_that_are_also_places_are_not_flagged(
    recognizer: PlacesByCaseRecognizer, text: str
) -> None:
    assert found(recognizer, text) == []


def test_multi_word_places_and_countries_need_no_cue(recognizer: PlacesByCaseRecognizer) -> None:
    text = "the new york and san francisco teams, our germany office, HONG KONG"
    assert found(recognizer, text) == ["new york", "san francisco", "germany", "HONG KONG"]
    assert found(recognizer, "near st. louis") == ["st. louis"]
    assert found(recognizer, "SENT TO NEW YORK CITY") == ["NEW YORK CITY"]  # the longest name


def test_accents_may_be_left_out_and_the_article_is_not_part_of_the_name(
    recognizer: PlacesByCaseRecognizer,
) -> None:
    assert found(recognizer, "moved from são paulo to sao paulo") == ["são paulo", "sao paulo"]
    assert found(recognizer, "a flight to the hague") == ["hague"]


def test_countries_that_are_also_words_need_a_cue(recognizer: PlacesByCaseRecognizer) -> None:
    assert found(recognizer, "a jordan and a chad joined the call") == []
    assert found(recognizer, "flights to turkey and jordan") == ["turkey", "jordan"]


def test_a_list_of_places_after_one_cue(recognizer: PlacesByCaseRecognizer) -> None:
    text = "offices in berlin, paris and madrid"
    assert found(recognizer, text) == ["berlin", "paris", "madrid"]


def test_places_inside_addresses_and_identifiers_are_not_flagged(
    recognizer: PlacesByCaseRecognizer,
) -> None:
    text = "mail a@example.co.uk, see www.berlin.de or /srv/paris/ or uk_team, in berlin2"
    assert found(recognizer, text) == []


@pytest.mark.parametrize("text", CLEAN)
def test_no_places_in_the_clean_evaluation_sentences(
    recognizer: PlacesByCaseRecognizer, text: str
) -> None:
    for variant in (text, text.lower(), text.upper()):
        assert found(recognizer, variant) == []


def test_gazetteer_contents(places: PlaceNames) -> None:
    for name in ("berlin", "New York", "hong kong", "germany", "texas", "uk", "Zurich"):
        assert name in places
    for word in ("nice", "reading", "mobile", "bath", "split", "of", "orange", "the"):
        assert word not in places


def test_the_class_name_is_not_one_of_presidio_s() -> None:
    # Presidio's registry loader finds recognizers by class name.
    assert not hasattr(predefined, PlacesByCaseRecognizer.__name__)


def test_the_detector_reports_lower_case_and_caps_places() -> None:
    """Our LOCATION spans must reach the output (the NER model alone misses these)."""
    from modelgw.trust.detector import Detector

    detector = Detector(TrustConfig())
    texts = ["refund sent to berlin by friday", "URGENT: SHIP TO DUBLIN."]
    spans = [
        [(d.entity_type, text[d.start : d.end]) for d in detections]
        for text, detections in zip(texts, detector.analyze_many(texts), strict=True)
    ]
    assert spans == [[("LOCATION", "berlin")], [("LOCATION", "DUBLIN")]]


def test_lower_case_and_capitals_before_a_site_and_backwards_in_a_list() -> None:
    recognizer = PlacesByCaseRecognizer(load_place_names())
    text = "TŘEBÍČ WAREHOUSE; siófok, keszthely and pécs offices"
    spans = {text[a:b] for a, b in recognizer.find(text)}
    assert {"siófok", "keszthely", "pécs"} <= spans
