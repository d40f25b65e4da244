"""Attachments: the raw request body, stored on disk."""

import hashlib
import uuid
from typing import Annotated

import anyio
from fastapi import APIRouter, HTTPException, Query, Request, status
from sqlalchemy import select

from app.core.config import get_settings
from app.core.db import SessionDep
from app.core.problems import problem_responses
from app.tasks import service
from app.tasks.models import Attachment
from app.tasks.schemas import AttachmentRead

router = APIRouter(prefix="/projects", tags=["attachments"])

Filename = Annotated[str, Query(min_length=1, max_length=200, pattern=r"^[^/\\\x00]+$")]


@router.post(
    "/{project_id}/attachments",
    status_code=status.HTTP_201_CREATED,
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"application/octet-stream": {"schema": {"type": "string",
                                                                "format": "binary"}}},
        }
    },
    responses=problem_responses(404),
)
async def upload_attachment(
    project_id: int, filename: Filename, request: Request, session: SessionDep
) -> AttachmentRead:
    try:
        await service.ensure_project(session, project_id)
    except service.ProjectNotFoundError:
        raise HTTPException(
            status.HTTP_404_NOT_FOUND, detail=f"project {project_id} not found"
        ) from None
    content = await request.body()
    stored_name = uuid.uuid4().hex
    await anyio.Path(get_settings().upload_dir / stored_name).write_bytes(content)
    attachment = Attachment(
        project_id=project_id, filename=filename, stored_name=stored_name,
        size=len(content), sha256=hashlib.sha256(content).hexdigest(),
    )
    session.add(attachment)
    await session.commit()
    return AttachmentRead.model_validate(attachment)


@router.get("/{project_id}/attachments", responses=problem_responses(404))
async def list_attachments(project_id: int, session: SessionDep) -> list[AttachmentRead]:
    try:
        await service.ensure_project(session, project_id)
    except service.ProjectNotFoundError:
        raise HTTPException(
            status.HTTP_404_NOT_FOUND, detail=f"project {project_id} not found"
        ) from None
    found = await session.scalars(
        select(Attachment).where(Attachment.project_id == project_id).order_by(Attachment.id)
    )
    return [AttachmentRead.model_validate(attachment) for attachment in found]
