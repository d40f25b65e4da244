"""Task events, posted to a webhook through the app's shared HTTP client."""

import logging

import httpx

from app.tasks.schemas import TaskRead

logger = logging.getLogger(__name__)


async def publish_task_created(client: httpx.AsyncClient, url: str, task: TaskRead) -> None:
    """Tell the webhook; a failing webhook is logged, it does not fail the create."""
    if not url:
        return
    event = {"event": "task.created", "task": task.model_dump(mode="json")}
    try:
        response = await client.post(url, json=event)
        response.raise_for_status()
    except httpx.HTTPError as error:
        logger.warning("webhook failed", extra={"error": repr(error)})
