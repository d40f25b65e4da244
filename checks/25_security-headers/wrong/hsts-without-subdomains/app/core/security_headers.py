"""Security headers on every response, errors included, and a Content-Security-Policy on HTML.

The middleware is plain ASGI and wraps the *whole* middleware stack, outside Starlette's
ServerErrorMiddleware: the 500 answers of the catch-all handler and the 413 answers of the body
limit are sent from outside every middleware that `add_middleware` installs.
"""

from collections.abc import Mapping

from fastapi import FastAPI
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Lifespan, Message, Receive, Scope, Send

# Scripts, styles and images from this origin only; no plugins, no <base>, no framing.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)


def security_headers(hsts_max_age: int) -> dict[str, str]:
    return {
        "X-Content-Type-Options": "nosniff",
        "X-Frame-Options": "DENY",
        "Referrer-Policy": "strict-origin-when-cross-origin",
        "Strict-Transport-Security": f"max-age={hsts_max_age}",
    }


class SecurityHeadersMiddleware:
    """Add `headers` to every HTTP response, and the CSP to every HTML one."""

    def __init__(
        self, app: ASGIApp, headers: Mapping[str, str], html_policy: str
    ) -> None:
        self.app = app
        self.headers = dict(headers)
        self.html_policy = html_policy

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in self.headers.items():
                    headers[name] = value
                if headers.get("content-type", "").startswith("text/html"):
                    headers["Content-Security-Policy"] = self.html_policy
            await send(message)

        await self.app(scope, receive, send_with_headers)


class SecureHeadersApp(FastAPI):
    """FastAPI whose outermost layer is the security-headers middleware."""

    def __init__(
        self,
        *,
        title: str,
        lifespan: Lifespan["SecureHeadersApp"],
        max_body_size: int,
        security_headers: Mapping[str, str],
    ) -> None:
        # The interactive docs run an inline script from a CDN, which the policy forbids:
        # the API's reference is its OpenAPI document.
        super().__init__(
            title=title,
            lifespan=lifespan,
            max_body_size=max_body_size,
            docs_url=None,
            redoc_url=None,
        )
        self.security_headers = dict(security_headers)

    def build_middleware_stack(self) -> ASGIApp:
        return SecurityHeadersMiddleware(
            super().build_middleware_stack(), self.security_headers, CONTENT_SECURITY_POLICY
        )
