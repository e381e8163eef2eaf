"""Fail closed: if detection raises or hangs, an external request is refused and nothing is sent.

A tenant may opt its *local* routes into fail-open; external routes never are.
"Hangs" is checked twice: a detector thread that never returns, and a real
detector process that never answers (the pool kills it and starts another).
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

import grpc
import pytest

from modelgw.api.v1 import common_pb2
from modelgw.common.config.schema import ModelgwConfig
from modelgw.common.config.trust import TrustConfig
from modelgw.trust.detection import Detection
from modelgw.trust.detection_plan import AnalysisItem
from modelgw.trust.engine import DetectionBackend, TrustEngine
from modelgw.trust.process_pool import DetectorPool
from tests.configs import gateway_config
from tests.harness import (
    RecordingBackend,
    echo_backend,
    generate_request,
    record_of,
    running_gateway,
)
from tests.unit.trust.scripted_detectors import hanging

KEY = "mgw_test_key_failclosed_0123"
AUTH = (("authorization", f"Bearer {KEY}"),)
PROMPT = "I am John Smith, card 4111 1111 1111 1111, mail john.smith@example.com"


class RaisingDetector:
    def analyze_items(self, items: Sequence[AnalysisItem]) -> list[list[Detection]]:
        raise RuntimeError("recognizer crashed")


class HangingDetector:
    def __init__(self) -> None:
        self.release = threading.Event()

    def analyze_items(self, items: Sequence[AnalysisItem]) -> list[list[Detection]]:
        self.release.wait(30)
        return [[] for _ in items]


def _config(tmp_path: Path, *, locality: str, fail_open_local: bool) -> ModelgwConfig:
    return gateway_config(
        {
            "providers": {"echo": {"locality": locality}},
            "tenants": {"dev": {"trust": {"fail_open_local": fail_open_local}}},
        },
        tmp_path=tmp_path,
        keys={"dev": KEY},
    )


async def _eventually(condition: Callable[[], bool], within_s: float) -> None:
    deadline = time.monotonic() + within_s
    while not condition():
        assert time.monotonic() < deadline, f"not within {within_s} s"
        await asyncio.sleep(0.02)


@pytest.fixture(scope="module")
def hanging_process_pool() -> Iterator[DetectorPool]:
    """One worker process that never answers; each request's deadline kills and replaces it."""
    pool = DetectorPool(TrustConfig(workers=1, deadline_ms=300), factory=hanging)
    yield pool
    pool.close()


@pytest.fixture(params=["raises", "hangs", "process-hangs"])
def broken_engine(
    request: pytest.FixtureRequest, hanging_process_pool: DetectorPool
) -> Iterator[TrustEngine]:
    factories: dict[str, Callable[[], DetectionBackend]] = {
        "raises": RaisingDetector,
        "hangs": HangingDetector,
        "process-hangs": lambda: hanging_process_pool,
    }
    detector = factories[request.param]()
    engine = TrustEngine(TrustConfig(deadline_ms=300), detector=detector)
    yield engine
    if isinstance(detector, HangingDetector):
        detector.release.set()
    engine.close()


@pytest.mark.parametrize("fail_open_local", [False, True])
@pytest.mark.parametrize("stream", [False, True])
async def test_external_request_is_refused_and_nothing_is_sent(
    tmp_path: Path, broken_engine: TrustEngine, fail_open_local: bool, stream: bool
) -> None:
    config = _config(tmp_path, locality="external", fail_open_local=fail_open_local)
    echo = RecordingBackend(echo_backend(config))
    async with running_gateway(config, trust_engine=broken_engine, backends={"echo": echo}) as gw:
        request = generate_request(PROMPT, request_id="fail-closed-1")
        with pytest.raises(grpc.aio.AioRpcError) as caught:
            if stream:
                [e async for e in gw.gateway.GenerateStream(request, metadata=AUTH)]
            else:
                await gw.gateway.Generate(request, metadata=AUTH)
        assert caught.value.code() == grpc.StatusCode.UNAVAILABLE
        assert "fail closed" in (caught.value.details() or "")
        assert echo.received == []
        if isinstance(broken_engine.detector, DetectorPool):
            # the stuck worker is killed by the pool's own deadline, on its thread: the refusal
            # may reach the caller first on a loaded machine, so wait for it (bounded)
            pool = broken_engine.detector
            await _eventually(lambda: pool.replaced >= 1, within_s=10.0)
        record = await record_of(gw.audit, "fail-closed-1", AUTH)
        assert record.status == "UNAVAILABLE"
        assert "John Smith" not in str(record)


async def test_local_route_without_opt_in_fails_closed_too(
    tmp_path: Path, broken_engine: TrustEngine
) -> None:
    config = _config(tmp_path, locality="local", fail_open_local=False)
    echo = RecordingBackend(echo_backend(config))
    async with running_gateway(config, trust_engine=broken_engine, backends={"echo": echo}) as gw:
        with pytest.raises(grpc.aio.AioRpcError) as caught:
            await gw.gateway.Generate(generate_request(PROMPT), metadata=AUTH)
        assert caught.value.code() == grpc.StatusCode.UNAVAILABLE
        assert echo.received == []


async def test_local_route_with_opt_in_fails_open_and_says_so(
    tmp_path: Path, broken_engine: TrustEngine
) -> None:
    config = _config(tmp_path, locality="local", fail_open_local=True)
    echo = RecordingBackend(echo_backend(config))
    async with running_gateway(config, trust_engine=broken_engine, backends={"echo": echo}) as gw:
        reply = await gw.gateway.Generate(
            generate_request("hello there", request_id="fail-open-1"), metadata=AUTH
        )
        assert reply.trust.decision == common_pb2.TRUST_DECISION_FAIL_OPEN
        assert len(echo.received) == 1
        record = await record_of(gw.audit, "fail-open-1", AUTH)
        assert record.trust.decision == common_pb2.TRUST_DECISION_FAIL_OPEN
