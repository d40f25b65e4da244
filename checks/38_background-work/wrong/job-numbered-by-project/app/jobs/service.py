"""Jobs: heavy work that runs after its request has been answered, and can be polled."""

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from itertools import count

from app.core.exceptions import NotFoundError
from app.jobs.schemas import JobStatus

logger = logging.getLogger(__name__)

Work = Callable[[], Awaitable[dict[str, int]]]


class JobNotFoundError(NotFoundError):
    code = "job-not-found"
    title = "Job not found"


@dataclass
class Job:
    id: int
    status: JobStatus = JobStatus.PENDING
    result: dict[str, int] | None = None
    error: str | None = None


class JobRunner:
    """Runs each job as a task it owns, records how it ended, and stops them on shutdown.

    Holding the tasks matters: the event loop keeps only weak references to tasks, and
    nobody else would see their exceptions.
    """

    def __init__(self) -> None:
        self._jobs: dict[int, Job] = {}
        self._ids = count(1)
        self._running: set[asyncio.Task[None]] = set()

    def submit(self, work: Work, key: int) -> Job:
        job = Job(id=key)
        self._jobs[job.id] = job
        task = asyncio.create_task(self._run(job, work), name=f"job {job.id}")
        self._running.add(task)
        task.add_done_callback(self._running.discard)
        return job

    def get(self, job_id: int) -> Job:
        job = self._jobs.get(job_id)
        if job is None:
            raise JobNotFoundError(f"job {job_id} does not exist")
        return job

    async def aclose(self) -> None:
        """Cancel the jobs still running and wait until they have stopped."""
        for task in self._running:
            task.cancel()
        await asyncio.gather(*self._running, return_exceptions=True)

    async def _run(self, job: Job, work: Work) -> None:
        try:
            job.result = await work()
        except asyncio.CancelledError:
            self._fail(job, "the service stopped before the job finished")
            raise
        except Exception:
            # The traceback goes to the log, under the job's id; the client sees the outcome.
            logger.exception("job %s failed", job.id)
            self._fail(job, f"the job failed; quote job {job.id} when you report it")
            return
        job.status = JobStatus.DONE

    @staticmethod
    def _fail(job: Job, reason: str) -> None:
        job.status = JobStatus.FAILED
        job.error = reason
