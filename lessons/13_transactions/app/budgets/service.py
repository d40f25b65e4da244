"""Moving hours between projects."""

from sqlalchemy.ext.asyncio import AsyncSession

from app.budgets import repository
from app.budgets.exceptions import ProjectNotFound
from app.budgets.models import Project, Transfer
from app.budgets.schemas import ProjectCreate, TransferCreate


async def create_project(session: AsyncSession, request: ProjectCreate) -> Project:
    project = Project(**request.model_dump())
    await repository.add(session, project)
    return project


async def transfer_hours(session: AsyncSession, request: TransferCreate) -> Transfer:
    for project_id in (request.source_id, request.target_id):
        if await repository.get_project(session, project_id) is None:
            raise ProjectNotFound(project_id)
    transfer = Transfer(**request.model_dump())
    await repository.add(session, transfer)  # 1. record the transfer
    await repository.change_budget(session, request.source_id, -request.hours)  # 2. debit
    await repository.change_budget(session, request.target_id, request.hours)  # 3. credit
    return transfer
