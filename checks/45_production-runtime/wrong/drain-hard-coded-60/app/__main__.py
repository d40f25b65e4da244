"""`python -m app`: run the service with uvicorn, configured from the settings."""

import uvicorn

from app.core.config import Settings
from app.core.logging import LOGGING


def main() -> None:
    settings = Settings()
    uvicorn.run(
        "app.main:app",
        host=settings.host,
        port=settings.port,
        workers=settings.workers,
        # X-Forwarded-For / -Proto are believed only from these addresses.
        proxy_headers=True,
        forwarded_allow_ips=settings.trusted_proxies,
        # SIGTERM: stop accepting, let in-flight requests finish, then exit.
        timeout_graceful_shutdown=60,
        log_config=LOGGING,
        log_level=settings.log_level,
        server_header=False,
    )


if __name__ == "__main__":
    main()
