"""HTTP routes of the budgets feature; the service owns each write's transaction."""

from fastapi import APIRouter, status

from app.budgets import repository, service
from app.budgets.schemas import ProjectCreate, ProjectRead, TransferCreate, TransferRead
from app.core.db import SessionDep

# FastAPI answers 400 to a body it cannot decode: the contract says so.
MALFORMED: dict[int | str, dict[str, object]] = {
    status.HTTP_400_BAD_REQUEST: {"description": "The body is not JSON"}
}
router = APIRouter(tags=["budgets"])


@router.post("/projects", status_code=status.HTTP_201_CREATED, responses=MALFORMED)
async def create_project(payload: ProjectCreate, session: SessionDep) -> ProjectRead:
    return ProjectRead.model_validate(await service.create_project(session, payload))


@router.get("/projects")
async def list_projects(session: SessionDep) -> list[ProjectRead]:
    return [ProjectRead.model_validate(p) for p in await repository.list_projects(session)]


@router.post(
    "/transfers",
    status_code=status.HTTP_201_CREATED,
    responses={
        **MALFORMED,
        status.HTTP_404_NOT_FOUND: {"description": "A project of the transfer does not exist"},
        status.HTTP_409_CONFLICT: {"description": "A budget would leave the range 0-1000 hours"},
    },
)
async def create_transfer(payload: TransferCreate, session: SessionDep) -> TransferRead:
    return TransferRead.model_validate(await service.transfer_hours(session, payload))


@router.get("/transfers")
async def list_transfers(session: SessionDep) -> list[TransferRead]:
    return [TransferRead.model_validate(t) for t in await repository.list_transfers(session)]
