"""Share links: a project id signed with the service's key (HMAC-SHA256)."""

import hashlib
import hmac

from app.core.config import get_settings


def _signature(project_id: int) -> str:
    key = get_settings().signing_key
    message = f"project:{project_id}".encode()
    return hmac.new(key.get_secret_value().encode(), message, hashlib.sha256).hexdigest()


def sign_project(project_id: int) -> str:
    return f"{project_id}.{_signature(project_id)}"


def verify_project_token(token: str) -> int | None:
    """The project id a token was signed for, or None for anything forged or malformed."""
    project_part, _, signature = token.partition(".")
    if not project_part.isdigit() or len(project_part) > 12:
        return None
    project_id = int(project_part)
    if not hmac.compare_digest(signature, _signature(project_id)):
        return None
    return project_id
