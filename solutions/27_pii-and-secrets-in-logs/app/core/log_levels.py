"""Logging levels: libraries that log query parameters stay quiet below WARNING."""

import logging

# aiosqlite logs every statement *with its parameters* (e-mails, password hashes) at DEBUG;
# sqlalchemy.engine does at INFO when echo is on.
PARAMETER_LOGGERS = ("aiosqlite", "sqlalchemy.engine", "asyncpg")


def quiet_parameter_loggers() -> None:
    for name in PARAMETER_LOGGERS:
        logging.getLogger(name).setLevel(logging.WARNING)
