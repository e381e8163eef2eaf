"""Log lines: JSON lines carry trace, span, tenant and request id; text stays the default."""

from __future__ import annotations

import asyncio
import io
import json
import logging
from collections.abc import Iterator

import pytest
from opentelemetry.sdk.trace import TracerProvider

from modelgw.common.config.observability import LogFormat, LoggingConfig
from modelgw.common.config.schema import ModelgwConfig
from modelgw.common.logs import bind_request, configure_logging


@pytest.fixture
def restore_logging() -> Iterator[None]:
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    quiet = {name: logging.getLogger(name).level for name in LoggingConfig().quiet}
    yield
    for handler in list(root.handlers):
        root.removeHandler(handler)
    for handler in handlers:
        root.addHandler(handler)
    root.setLevel(level)
    for name, old in quiet.items():
        logging.getLogger(name).setLevel(old)


def test_text_is_the_default() -> None:
    assert ModelgwConfig().logging.format is LogFormat.TEXT
    assert ModelgwConfig.model_validate({"logging": {"format": "json"}}).logging.format == "json"


async def test_json_lines_name_the_trace_span_tenant_and_request(restore_logging) -> None:
    out = io.StringIO()
    configure_logging("INFO", LoggingConfig(format=LogFormat.JSON), stream=out)
    tracer = TracerProvider().get_tracer("tests")
    log = logging.getLogger("modelgw.tests")

    async def request() -> tuple[int, int]:
        with tracer.start_as_current_span("request") as span:
            bind_request("acme", "req-123")
            log.info("backend %s answered", "echo")
            context = span.get_span_context()
            return context.trace_id, context.span_id

    trace_id, span_id = await asyncio.create_task(request())
    log.warning("between requests")  # the request's binding stayed in its own task

    first, second = (json.loads(line) for line in out.getvalue().splitlines())
    assert first["message"] == "backend echo answered"
    assert first["level"] == "INFO" and first["logger"] == "modelgw.tests"
    assert first["trace_id"] == format(trace_id, "032x")
    assert first["span_id"] == format(span_id, "016x")
    assert (first["tenant"], first["request_id"]) == ("acme", "req-123")
    assert "tenant" not in second and "trace_id" not in second


def test_exceptions_are_one_json_line(restore_logging) -> None:
    out = io.StringIO()
    configure_logging("INFO", LoggingConfig(format=LogFormat.JSON), stream=out)
    try:
        raise ValueError("boom")
    except ValueError:
        logging.getLogger("modelgw.tests").exception("failed")
    (line,) = out.getvalue().splitlines()
    assert "ValueError: boom" in json.loads(line)["exception"]


def test_third_party_loggers_are_quiet_by_default(restore_logging) -> None:
    out = io.StringIO()
    configure_logging("INFO", stream=out)
    logging.getLogger("httpx").info('HTTP Request: POST https://upstream "HTTP/1.1 200 OK"')
    logging.getLogger("httpx").warning("upstream connection reset")
    logging.getLogger("modelgw.tests").info("ours")
    lines = out.getvalue().splitlines()
    assert len(lines) == 2
    assert "upstream connection reset" in lines[0] and "ours" in lines[1]
    assert " INFO modelgw.tests: ours" in lines[1]  # the text format, as before
