"""Moving hours between projects: one use case, one transaction."""

from sqlalchemy.ext.asyncio import AsyncSession

from app.budgets import repository
from app.budgets.exceptions import BudgetCapExceeded, InsufficientBudget, ProjectNotFound
from app.budgets.models import Project, Transfer
from app.budgets.schemas import ProjectCreate, TransferCreate


async def create_project(session: AsyncSession, request: ProjectCreate) -> Project:
    # The mistake: the repository only flushes, and this use case opens no transaction, so
    # the INSERT is rolled back when the request's session closes.
    project = Project(**request.model_dump())
    await repository.add(session, project)
    return project


async def transfer_hours(session: AsyncSession, request: TransferCreate) -> Transfer:
    """Record, debit and credit commit together, or (any step failing) not at all.

    `session.begin()` commits when the block ends and rolls every step back when an exception
    leaves it, so a refused debit also removes the transfer record written before it.
    """
    async with session.begin():
        found = await repository.lock_projects(session, {request.source_id, request.target_id})
        for project_id in (request.source_id, request.target_id):
            if project_id not in found:
                raise ProjectNotFound(project_id)
        transfer = Transfer(**request.model_dump())
        await repository.add(session, transfer)  # 1. record the transfer
        if not await repository.debit(session, request.source_id, request.hours):  # 2.
            raise InsufficientBudget(request.source_id, request.hours)
        if not await repository.credit(session, request.target_id, request.hours):  # 3.
            raise BudgetCapExceeded(request.target_id, request.hours)
    return transfer
