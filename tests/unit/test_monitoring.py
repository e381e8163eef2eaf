"""The alert rules and the Grafana dashboard in deploy/monitoring hold together.

Each rule file is a valid Prometheus rule file with the alerts operators need,
and every metric the rules and the dashboard name is one modelgw exports: the
exported names are read from a real `/metrics` rendering after every instrument
of the code recorded once, not from a list kept by hand. Where `promtool` is
installed (Debian's `prometheus` package), it checks the rules and the
dashboard's queries as well.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from prometheus_client.parser import text_string_to_metric_families

from modelgw.audit.metrics import AuditMetrics
from modelgw.audit.spool import Spool
from modelgw.audit.store import AppendResult
from modelgw.common.config.observability import MetricsConfig
from modelgw.common.config.providers import Locality
from modelgw.common.config.schema import TelemetryConfig
from modelgw.common.errors import BackendError
from modelgw.common.messages import (
    ChatMessage,
    EntityFinding,
    GenerationParams,
    Role,
    TrustDecision,
    TrustSummary,
    Usage,
)
from modelgw.common.metrics import build_metrics
from modelgw.gateway.chat import ChatRequest, RouteInfo
from modelgw.gateway.protection import ProtectedRequest
from modelgw.gateway.routing.breaker import BreakerState
from modelgw.gateway.telemetry import GatewayTelemetry
from modelgw.gateway.trail import AuditTrail
from modelgw.providers.base import BackendRequest
from modelgw.providers.instrumented import BackendInstruments, InstrumentedBackend
from modelgw.trust.engine import MaskedTexts, ProtectResult
from modelgw.trust.metrics import TrustMetrics
from modelgw.trust.vault import Vault
from tests.configs import caller
from tests.unit.test_metrics_parts import FlakyBackend

ROOT = Path(__file__).resolve().parents[2]
MONITORING = ROOT / "deploy" / "monitoring"
ALERTS = MONITORING / "alerts.yaml"
DASHBOARD = MONITORING / "grafana-dashboard.json"
METRIC = re.compile(r"\b((?:modelgw|gen_ai)_[a-zA-Z0-9_]+)")
MATCHERS = re.compile(r"\{([^}]*)\}")
GROUPING = re.compile(r"\b(?:by|without)\s*\(([^)]*)\)")
SCRAPE_LABELS = {"le", "instance", "job"}
"""Labels Prometheus adds (`instance`, `job`) or histograms carry (`le`)."""
REQUIRED_ALERTS = {
    "ModelgwAuditSpoolNotDraining",
    "ModelgwAuditDeadLetters",
    "ModelgwTrustFailClosedRate",
    "ModelgwBackendBreakerOpen",
    "ModelgwErrorRate",
    "ModelgwTimeToFirstTokenP99",
}


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> str:
    """modelgw's `/metrics` after each of its instruments recorded once."""
    metrics = build_metrics(TelemetryConfig(), MetricsConfig(), service="tests")
    assert metrics.exposition is not None
    meter = metrics.meter()
    backend = InstrumentedBackend(FlakyBackend("b", failures=1), BackendInstruments(meter))
    asyncio.run(_calls(backend))
    gateway = GatewayTelemetry(meter)
    answered, refused = _trail(), _trail()
    gateway.cache_lookup(answered, hit=False)
    gateway.finished(answered, "OK", 0.002)
    refused.fail_closed = True
    gateway.finished(refused, "UNAVAILABLE", None)
    gateway.quota_refused("t", "requests_per_minute")
    gateway.quota_remaining("t", "tokens_per_minute", 100)
    gateway.retried("b")
    gateway.fell_back("m", "b")
    gateway.observe_breakers(lambda: {"b": BreakerState.OPEN})
    trust = TrustMetrics(meter)
    trust.detected("t", 0.01)
    trust.failed("t", "timeout")
    trust.observe_queue(lambda: 3)
    audit = AuditMetrics(meter)
    audit.delivered(AppendResult(stored=1, duplicates=1, dead_lettered=1), 0.5)
    audit.delivery_failed()
    spool = Spool(tmp_path_factory.mktemp("spool"), 1 << 20)
    spool.open()
    try:
        audit.observe_spool(spool)
        return metrics.exposition.render().decode()
    finally:
        spool.close()


@pytest.fixture(scope="module")
def exported(rendered: str) -> set[str]:
    """Every sample name in the rendering."""
    return {s.name for f in text_string_to_metric_families(rendered) for s in f.samples}


@pytest.fixture(scope="module")
def exported_labels(rendered: str) -> set[str]:
    """Every label name in the rendering, whichever metric carries it."""
    return {
        label
        for family in text_string_to_metric_families(rendered)
        for sample in family.samples
        for label in sample.labels
    }


async def _calls(backend: InstrumentedBackend) -> None:
    request = BackendRequest("m", [], GenerationParams(), "r")
    with contextlib.suppress(BackendError):
        await backend.generate(request)
    await backend.generate(request)
    async for _ in backend.stream(request):
        pass


def _trail() -> AuditTrail:
    """A streamed request that was masked, answered and counted its tokens."""
    request = ChatRequest("m", [ChatMessage(Role.USER, "x")], GenerationParams(), "r")
    masked = MaskedTexts(
        ("x",),
        TrustSummary(
            TrustDecision.MASKED,
            prompt_entities=(EntityFinding("PERSON", 1, "mask"),),
            response_entities=(EntityFinding("EMAIL_ADDRESS", 1, "redact"),),
        ),
    )
    result = ProtectResult(Vault(), {Locality.EXTERNAL: masked}, frozenset({"PERSON"}))
    trail = AuditTrail(caller("t"), request, streamed=True)
    trail.protected = ProtectedRequest(request, result)
    trail.locality = Locality.EXTERNAL
    trail.route = RouteInfo("b", "openai", "gpt-x", Locality.EXTERNAL, "route order")
    trail.usage = Usage(3, 4)
    trail.first_token = trail.started
    return trail


def _rules() -> list[dict]:
    document = yaml.safe_load(ALERTS.read_text())
    return [rule for group in document["groups"] for rule in group["rules"]]


def _dashboard_queries() -> list[str]:
    dashboard = json.loads(DASHBOARD.read_text())
    return [t["expr"] for p in dashboard["panels"] for t in p.get("targets", [])]


def test_the_metric_names_of_the_code_are_the_ones_the_deploy_files_expect(exported) -> None:
    """A sanity check of the fixture: the GenAI names in their Prometheus spelling."""
    assert {
        "gen_ai_client_operation_duration_seconds_bucket",
        "gen_ai_client_token_usage_bucket",
        "gen_ai_server_time_to_first_token_seconds_bucket",
        "modelgw_requests_total",
        "modelgw_cost_usd_total",
        "modelgw_routing_breaker_state",
        "modelgw_audit_spool_oldest_age_seconds",
        "modelgw_audit_dead_letters_total",
        "modelgw_trust_detection_queue",
    } <= exported


def test_alert_rules_are_well_formed_and_cover_what_operators_page_on() -> None:
    document = yaml.safe_load(ALERTS.read_text())
    assert set(document) == {"groups"}
    names = [group["name"] for group in document["groups"]]
    assert len(names) == len(set(names))
    alerts = [rule["alert"] for rule in _rules()]
    assert len(alerts) == len(set(alerts)), "alert names are unique"
    assert set(alerts) >= REQUIRED_ALERTS
    for rule in _rules():
        assert set(rule) <= {"alert", "expr", "for", "labels", "annotations"}, rule["alert"]
        assert rule["expr"].strip()
        assert rule["labels"]["severity"] in {"critical", "warning", "info"}
        assert rule["annotations"]["summary"] and rule["annotations"]["description"]
        if "for" in rule:
            assert re.fullmatch(r"\d+[smh]", rule["for"])


def test_every_metric_in_the_rules_and_the_dashboard_is_exported(exported, exported_labels) -> None:
    queries = [rule["expr"] for rule in _rules()] + _dashboard_queries()
    labels: set[str] = set()
    named: set[str] = set()
    for query in queries:
        for matchers in MATCHERS.findall(query):
            labels |= set(re.findall(r"([a-zA-Z_][a-zA-Z0-9_]*)\s*(?:=~|!~|!=|=)", matchers))
        for grouping in GROUPING.findall(query):
            labels |= {label.strip() for label in grouping.split(",") if label.strip()}
        named |= set(METRIC.findall(GROUPING.sub("", MATCHERS.sub("", query))))
    assert named, "the rules and the dashboard name modelgw's metrics"
    assert named <= exported, f"not exported by modelgw: {sorted(named - exported)}"
    unknown = labels - exported_labels - SCRAPE_LABELS
    assert not unknown, f"labels modelgw does not export: {sorted(unknown)}"


def test_dashboard_is_a_grafana_dashboard_over_a_chosen_data_source() -> None:
    dashboard = json.loads(DASHBOARD.read_text())
    assert dashboard["uid"] and dashboard["title"]
    variables = {v["name"]: v for v in dashboard["templating"]["list"]}
    assert variables["datasource"]["type"] == "datasource"
    ids = [panel["id"] for panel in dashboard["panels"]]
    assert len(ids) == len(set(ids))
    for panel in dashboard["panels"]:
        assert {"h", "w", "x", "y"} <= set(panel["gridPos"])
        if panel["type"] == "row":
            continue
        assert panel["datasource"]["uid"] == "${datasource}"
        assert panel["targets"], panel["title"]
        for target in panel["targets"]:
            assert target["datasource"]["uid"] == "${datasource}"
            assert target["expr"].strip()


PROMTOOL = shutil.which("promtool")


@pytest.mark.skipif(PROMTOOL is None, reason="promtool is not installed (Debian: prometheus)")
def test_promtool_accepts_the_rules_their_tests_and_the_dashboards_queries(tmp_path: Path) -> None:
    assert PROMTOOL is not None
    checked = subprocess.run(
        [PROMTOOL, "check", "rules", str(ALERTS)], capture_output=True, text=True, check=False
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr
    # Each alert fires on the series that should page, and not on healthy ones.
    tested = subprocess.run(
        [PROMTOOL, "test", "rules", "alerts_test.yaml"],
        cwd=MONITORING,
        capture_output=True,
        text=True,
        check=False,
    )
    assert tested.returncode == 0, tested.stdout + tested.stderr
    # The dashboard's queries as recording rules, Grafana's variables given values.
    values = {"$__rate_interval": "5m", "$__range": "1h", "$tenant": ".*"}
    rules = []
    for i, query in enumerate(_dashboard_queries()):
        for variable, value in values.items():
            query = query.replace(variable, value)
        rules.append({"record": f"dashboard:query_{i}", "expr": query})
    path = tmp_path / "dashboard-queries.yaml"
    path.write_text(yaml.safe_dump({"groups": [{"name": "dashboard", "rules": rules}]}))
    checked = subprocess.run(
        [PROMTOOL, "check", "rules", str(path)], capture_output=True, text=True, check=False
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr
