"""Log lines an operator can search: text for a terminal, JSON lines for a log pipeline.

Every JSON line carries the trace and span id of the span active when it was
written, and the tenant and request id of the request being served (a context
variable the pipeline sets once it has admitted the request), so a log line,
a trace and an audit record find each other. What a line says is what the code
logged: modelgw's messages carry names, ids, counts and exception class names,
never prompt or answer text; these fields add no more than that.

Third-party loggers named in `logging.quiet` are held at WARNING: at INFO, httpx
writes a line for every upstream request.
"""

from __future__ import annotations

import contextvars
import json
import logging
import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from opentelemetry import trace

from modelgw.common.config.observability import QUIET_LOGGERS, LogFormat, LoggingConfig

TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"

_request: contextvars.ContextVar[tuple[str, str] | None] = contextvars.ContextVar(
    "modelgw_log_request", default=None
)


def bind_request(tenant: str, request_id: str) -> None:
    """Name the request this task serves in every line it logs from now on.

    A front door runs each request in a task (or context) of its own, so the binding
    ends with the request and never reaches another one.
    """
    _request.set((tenant, request_id))


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, and whatever is known of the
    trace and the request."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        context = trace.get_current_span().get_span_context()
        if context.is_valid:
            line["trace_id"] = format(context.trace_id, "032x")
            line["span_id"] = format(context.span_id, "016x")
        request = _request.get()
        if request is not None:
            line["tenant"], line["request_id"] = request
        if record.exc_info and record.exc_info[0] is not None:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False)


def configure_logging(
    level: str = "INFO", config: LoggingConfig | None = None, stream: Any = None
) -> None:
    """(Re)configure the root logger: called at start with the `--log-level`, and again
    once the config file says which format it wants."""
    config = config or LoggingConfig()
    handler = logging.StreamHandler(stream or sys.stderr)
    if config.format is LogFormat.JSON:
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(logging.Formatter(TEXT_FORMAT))
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level.upper())
    quiet(config.quiet, root.level)


def quiet(names: Sequence[str] = QUIET_LOGGERS, level: int = logging.INFO) -> None:
    """Hold the named loggers at WARNING, unless the root logs less than that anyway."""
    for name in names:
        logging.getLogger(name).setLevel(max(logging.WARNING, level))
