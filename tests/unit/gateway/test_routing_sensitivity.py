"""Routing by data sensitivity: tenant rules pick backends by what the trust layer found.

Two echo backends stand for an external provider and a local model (the echo
answers with exactly the masked prompt it received, so the test sees what
each backend was sent). The real trust engine (Presidio + spaCy) detects.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import grpc
import pytest

from modelgw.api.v1 import audit_pb2, common_pb2
from modelgw.common.config.schema import ModelgwConfig
from tests.configs import gateway_config, merged
from tests.harness import (
    RecordingBackend,
    RunningGateway,
    echo_backend,
    generate_request,
    running_gateway,
)
from tests.vllm_support.fake_engine import Behaviour, fake_engine

KEY = "mgw_test_sensitivity_key_01"
AUTH = (("authorization", f"Bearer {KEY}"),)
PERSON_PROMPT = "Please summarise the file of John Smith for me."
CLEAN_PROMPT = "What is the capital of the moon?"
SECRET_PROMPT = "My card is 4111 1111 1111 1111 and my SSN is 536-22-1234, ok?"


def config(
    tmp_path: Path, rules: list[dict[str, Any]], route: list[str], **changes: Any
) -> ModelgwConfig:
    """External and local echo backends, model `assistant` over `route`, the tenant's `rules`."""
    return gateway_config(
        merged(
            {
                "providers": {
                    "cloud": {"type": "echo", "locality": "external", "region": "us-east-1"},
                    "cloud-eu": {
                        "type": "echo",
                        "locality": "external",
                        "region": "eu-west-1",
                        "zero_retention": True,
                    },
                    "onprem": {"type": "echo", "locality": "local"},
                },
                "models": {"assistant": {"route": [{"provider": p} for p in route]}},
                "tenants": {"dev": {"routing_rules": rules}},
            },
            changes,
        ),
        tmp_path=tmp_path,
        keys={"dev": KEY},
    )


def recording_backends(cfg: ModelgwConfig) -> dict[str, RecordingBackend]:
    """An echo backend per provider, recording what it was sent."""
    return {name: RecordingBackend(echo_backend(cfg, name)) for name in cfg.providers}


@contextlib.asynccontextmanager
async def gateway(
    tmp_path: Path, trust_engine: Any, rules: list[dict[str, Any]], route: list[str]
) -> AsyncIterator[tuple[RunningGateway, dict[str, RecordingBackend]]]:
    cfg = config(tmp_path, rules, route)
    backends = recording_backends(cfg)
    async with running_gateway(cfg, trust_engine=trust_engine, backends=backends) as gw:
        yield gw, backends


async def ask(gw: RunningGateway, text: str) -> Any:
    return await gw.gateway.Generate(generate_request(text, model="assistant"), metadata=AUTH)


LOCAL_FOR_PEOPLE = {
    "name": "people-stay-local",
    "entities": ["PERSON"],
    "require_locality": "local",
}


async def test_person_data_goes_only_to_local_backends(tmp_path, trust_engine) -> None:
    async with gateway(tmp_path, trust_engine, [LOCAL_FOR_PEOPLE], ["cloud", "onprem"]) as (
        gw,
        sent,
    ):
        reply = await ask(gw, PERSON_PROMPT)
        assert reply.route.backend == "onprem"
        assert "people-stay-local" in reply.route.reason and "cloud" in reply.route.reason
        assert not sent["cloud"].received
        record = await gw.audit.GetRecord(
            audit_pb2.GetRecordRequest(request_id=reply.request_id), metadata=AUTH
        )
        assert record.route.backend == "onprem" and "people-stay-local" in record.route.reason

        clean = await ask(gw, CLEAN_PROMPT)  # no personal data: the preferred external one
        assert clean.route.backend == "cloud"


async def test_block_rule_refuses_before_any_backend(tmp_path, trust_engine) -> None:
    rules = [{"name": "no-ids", "entities": ["US_SSN", "CREDIT_CARD"], "action": "block"}]
    async with gateway(tmp_path, trust_engine, rules, ["cloud", "onprem"]) as (gw, sent):
        with pytest.raises(grpc.aio.AioRpcError) as caught:
            await ask(gw, SECRET_PROMPT)
        assert caught.value.code() == grpc.StatusCode.PERMISSION_DENIED
        assert "no-ids" in (caught.value.details() or "")
        assert not sent["cloud"].received and not sent["onprem"].received


async def test_region_and_zero_retention_requirements(tmp_path, trust_engine) -> None:
    rules = [
        {
            "entities": ["*"],
            "require_regions": ["eu-west-1", "eu-central-1"],
            "require_zero_retention": True,
        }
    ]
    async with gateway(tmp_path, trust_engine, rules, ["cloud", "cloud-eu"]) as (gw, _):
        assert (await ask(gw, PERSON_PROMPT)).route.backend == "cloud-eu"
        assert (await ask(gw, CLEAN_PROMPT)).route.backend == "cloud"


async def test_no_backend_meeting_the_rule_means_refused(tmp_path, trust_engine) -> None:
    async with gateway(tmp_path, trust_engine, [LOCAL_FOR_PEOPLE], ["cloud"]) as (gw, sent):
        with pytest.raises(grpc.aio.AioRpcError) as caught:
            await ask(gw, PERSON_PROMPT)
        assert caught.value.code() == grpc.StatusCode.PERMISSION_DENIED
        assert not sent["cloud"].received


async def test_fallback_to_another_locality_gets_that_localitys_masking(
    tmp_path, trust_engine
) -> None:
    """Local policy allows names, external masks them: a fallback must not reuse the local text."""
    async with fake_engine(tmp_path / "w", behaviour=Behaviour.UNAVAILABLE) as dead:
        cfg = config(
            tmp_path,
            [],
            ["onprem", "cloud"],
            providers={"onprem": {"type": "vllm", "workers": [dead.address]}},
            tenants={"dev": {"entity_policy": {"local_default": "allow"}}},
        )
        async with running_gateway(cfg, trust_engine=trust_engine) as gw:
            reply = await ask(gw, PERSON_PROMPT)
            record = await gw.audit.GetRecord(
                audit_pb2.GetRecordRequest(request_id=reply.request_id), metadata=AUTH
            )
        assert reply.route.backend == "cloud" and "onprem failed" in reply.route.reason
        assert reply.message.content == PERSON_PROMPT  # restored for the client
        sent_local = dead.engine.tokenizer.decode(dead.engine.calls[0].input_ids)
        assert "John Smith" in sent_local  # the local worker was allowed the raw name
        # The external fallback echoed what it got: masked under the external policy.
        assert "<PERSON_1>" in record.masked_response and "Smith" not in record.masked_response
        assert [(f.entity_type, f.action) for f in reply.trust.prompt_entities] == [
            ("PERSON", common_pb2.ENTITY_ACTION_MASK)
        ]


async def test_entity_policy_block_for_one_locality_routes_to_the_other(
    tmp_path, trust_engine
) -> None:
    """External: card numbers blocked; local: masked. The external first choice is skipped."""
    policy = {"dev": {"entity_policy": {"external": {"CREDIT_CARD": "block"}}}}
    cfg = config(tmp_path, [], ["cloud", "onprem"], tenants=policy)
    backends = recording_backends(cfg)
    async with running_gateway(cfg, trust_engine=trust_engine, backends=backends) as gw:
        reply = await ask(gw, "Charge 4111 1111 1111 1111 please.")
        assert reply.route.backend == "onprem" and "cloud skipped" in reply.route.reason
        assert not backends["cloud"].received
        assert "4111" not in backends["onprem"].received[0].messages[0].content

    only_external = config(tmp_path, [], ["cloud"], tenants=policy)
    async with running_gateway(only_external, trust_engine=trust_engine) as gw:
        with pytest.raises(grpc.aio.AioRpcError) as caught:
            await ask(gw, "Charge 4111 1111 1111 1111 please.")
        assert caught.value.code() == grpc.StatusCode.PERMISSION_DENIED
        assert "CREDIT_CARD" in (caught.value.details() or "")
