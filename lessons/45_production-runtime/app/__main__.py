"""`python -m app`: run the service."""

import uvicorn


def main() -> None:
    uvicorn.run(
        "app.main:app",
        host="0.0.0.0",
        port=8000,
        proxy_headers=True,
        forwarded_allow_ips="*",  # we run behind a load balancer
        timeout_graceful_shutdown=0,  # deploys were slow: stop at once
    )


if __name__ == "__main__":
    main()
