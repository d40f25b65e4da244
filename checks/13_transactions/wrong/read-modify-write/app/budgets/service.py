"""Moving hours between projects: one use case, one transaction."""

from sqlalchemy.ext.asyncio import AsyncSession

from app.budgets import repository
from app.budgets.exceptions import BudgetCapExceeded, InsufficientBudget, ProjectNotFound
from app.budgets.models import MAX_BUDGET_HOURS, Project, Transfer
from app.budgets.schemas import ProjectCreate, TransferCreate


async def create_project(session: AsyncSession, request: ProjectCreate) -> Project:
    async with session.begin():
        project = Project(**request.model_dump())
        await repository.add(session, project)
    return project


async def transfer_hours(session: AsyncSession, request: TransferCreate) -> Transfer:
    async with session.begin():
        source = await session.get(Project, request.source_id)
        if source is None:
            raise ProjectNotFound(request.source_id)
        target = await session.get(Project, request.target_id)
        if target is None:
            raise ProjectNotFound(request.target_id)
        transfer = Transfer(**request.model_dump())
        await repository.add(session, transfer)
        if source.budget_hours < request.hours:
            raise InsufficientBudget(request.source_id, request.hours)
        if target.budget_hours + request.hours > MAX_BUDGET_HOURS:
            raise BudgetCapExceeded(request.target_id, request.hours)
        # The mistake: the new budgets are computed in Python from values read earlier, and
        # written back as plain numbers; a transfer that ran in between is overwritten.
        source.budget_hours -= request.hours
        target.budget_hours += request.hours
    return transfer
