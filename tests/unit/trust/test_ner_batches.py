"""A window's entities do not depend on the other windows of its model run (#13 speed).

`NerModel.spans` runs the model on up to `batch_size` windows at once (spaCy would run it
on a quarter of that); this holds that the size of a run changes no entity.
"""

from __future__ import annotations

from bench.trust.corpus import messages
from modelgw.common.config.trust import TrustConfig
from modelgw.trust.detection_plan import NerUnit, make_plan
from modelgw.trust.ner import NerModel

TEXTS = [
    *messages(21, 4096, 3),
    *messages(22, 1024, 4),
    "KÖHLER, Dr. José García-López (Zürich) wrote to Ana in São Paulo and to ERIC in Oslo.",
]


def test_runs_of_any_size_find_the_same_entities() -> None:
    model = NerModel(TrustConfig().spacy_model)
    plans = [make_plan([(t, (), "t")], TrustConfig().ner_scope) for t in TEXTS]
    windows = [u.text for plan in plans for u in plan.units if isinstance(u, NerUnit)]
    assert len(windows) > 40
    one_by_one = [model.spans([w])[0] for w in windows]
    for size in (2, 8, 32):
        assert model.spans(windows, batch_size=size) == one_by_one
    assert any(one_by_one)
