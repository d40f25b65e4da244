"""Calls to the people directory."""

import httpx
from fastapi import Request

ATTEMPTS = 3


async def call_directory(
    request: Request, method: str, path: str, json: object = None
) -> httpx.Response:
    settings = request.state.settings
    for attempt in range(ATTEMPTS):
        # A fresh client for every call, and no time limit: the directory is usually fast.
        async with httpx.AsyncClient(
            base_url=settings.directory_url, transport=request.state.transport, timeout=None
        ) as client:
            try:
                response = await client.request(method, path, json=json)
            except httpx.HTTPError:
                if attempt == ATTEMPTS - 1:
                    raise
                await request.state.sleep(0.5)
                continue
        if response.status_code < 500:
            return response
        if attempt == ATTEMPTS - 1:
            response.raise_for_status()
        # Whatever failed, try again in half a second.
        await request.state.sleep(0.5)
    raise RuntimeError("unreachable")
