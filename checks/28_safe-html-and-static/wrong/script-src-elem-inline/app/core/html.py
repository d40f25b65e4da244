"""HTML answers: autoescaping templates and a Content-Security-Policy on every page."""

from pathlib import Path

from fastapi.templating import Jinja2Templates
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

TEMPLATES_DIR = Path(__file__).parent.parent / "templates"

# Starlette autoescapes templates whose names end in .html, .htm or .xml (select_autoescape);
# every template here is .html. Nothing user-written is marked |safe.
templates = Jinja2Templates(directory=TEMPLATES_DIR)

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; script-src-elem 'self' 'unsafe-inline'; style-src 'self'; img-src 'self'; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)


class ContentSecurityPolicyMiddleware:
    """Add the policy to every text/html answer."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_policy(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                if headers.get("content-type", "").startswith("text/html"):
                    headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
            await send(message)

        await self.app(scope, receive, send_with_policy)
