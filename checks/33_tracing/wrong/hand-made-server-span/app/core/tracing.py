"""A hand-written tracing middleware, instead of FastAPI's built-in telemetry."""

from opentelemetry.trace import SpanKind, TracerProvider, get_tracer
from starlette.types import ASGIApp, Receive, Scope, Send


class TracingMiddleware:
    def __init__(self, app: ASGIApp, tracer_provider: TracerProvider | None) -> None:
        self.app = app
        self.tracer = get_tracer("app", tracer_provider=tracer_provider)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        name = f"{scope['method']} {scope['path']}"
        with self.tracer.start_as_current_span(name, kind=SpanKind.SERVER) as span:
            span.set_attribute("url.path", scope["path"])

            async def send_with_status(message: dict[str, object]) -> None:
                if message["type"] == "http.response.start":
                    span.set_attribute("http.response.status_code", message["status"])
                await send(message)

            await self.app(scope, receive, send_with_status)
