"""The project-data service: three independent reads, each one GET."""

import httpx


class UpstreamFailedError(Exception):
    """A call to the project-data service failed."""


async def fetch_list(client: httpx.AsyncClient, path: str) -> list[dict[str, object]]:
    try:
        response = await client.get(path)
    except httpx.HTTPError as error:
        raise UpstreamFailedError(f"GET {path} failed: {type(error).__name__}") from error
    if not response.is_success:
        raise UpstreamFailedError(f"GET {path} answered {response.status_code}")
    items: list[dict[str, object]] = response.json()
    return items
