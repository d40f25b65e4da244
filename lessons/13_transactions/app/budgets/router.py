"""HTTP routes of the budgets feature."""

from fastapi import APIRouter, status

from app.budgets import repository, service
from app.budgets.schemas import ProjectCreate, ProjectRead, TransferCreate, TransferRead
from app.core.db import SessionDep

router = APIRouter(tags=["budgets"])


@router.post("/projects", status_code=status.HTTP_201_CREATED)
async def create_project(payload: ProjectCreate, session: SessionDep) -> ProjectRead:
    return ProjectRead.model_validate(await service.create_project(session, payload))


@router.get("/projects")
async def list_projects(session: SessionDep) -> list[ProjectRead]:
    return [ProjectRead.model_validate(p) for p in await repository.list_projects(session)]


@router.post("/transfers", status_code=status.HTTP_201_CREATED)
async def create_transfer(payload: TransferCreate, session: SessionDep) -> TransferRead:
    return TransferRead.model_validate(await service.transfer_hours(session, payload))


@router.get("/transfers")
async def list_transfers(session: SessionDep) -> list[TransferRead]:
    return [TransferRead.model_validate(t) for t in await repository.list_transfers(session)]
