"""Logging as JSON lines on stdout, each record stamped with the current trace and span."""

import json
import logging
import sys
from datetime import UTC, datetime

from opentelemetry import trace

_RECORD_ATTRIBUTES = frozenset(vars(logging.makeLogRecord({}))) | {"message", "asctime"}
_SERVER_LOGGERS = ("uvicorn", "uvicorn.error", "uvicorn.access")


class TraceContextFilter(logging.Filter):
    """Adds trace_id and span_id (hex, as trace backends show them) while a span is current.

    A log line then links to its trace, and a trace to its log lines.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        context = trace.get_current_span().get_span_context()
        if context.is_valid:
            record.trace_id = context.trace_id
            record.span_id = context.span_id
        return True


class JsonFormatter(logging.Formatter):
    """A record as one JSON object on one line; a traceback is a string inside it."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        entry |= {
            key: value for key, value in vars(record).items() if key not in _RECORD_ATTRIBUTES
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str, ensure_ascii=False)


def configure_logging(level: str) -> None:
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(TraceContextFilter())
    root = logging.getLogger()
    root.handlers = [handler]
    root.setLevel(level)
    for name in _SERVER_LOGGERS:
        server_logger = logging.getLogger(name)
        server_logger.handlers.clear()
        server_logger.propagate = True
    logging.getLogger("uvicorn.access").setLevel(logging.WARNING)
