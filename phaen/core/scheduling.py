"""Scheduled jobs: work that runs every few minutes or every day, not in answer to a request.

``django.tasks`` has no periodic scheduler. Apps register named jobs here when they are ready
(``register_scheduled_job("monitoring.send_reminders", send_reminders)``); a system timer or
cron runs ``manage.py run_scheduled`` (docs/deployment.md), which enqueues each job as a
background task (or runs it at once with ``--now``). A job may run twice, or on two machines at
once: it must be idempotent, e.g. by sending through ``core.notifications.notify`` with a key
that names the occasion, so a second run finds everything already sent.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.tasks import task

JobFunction = Callable[[], object]


@dataclass(frozen=True)
class ScheduledJob:
    """One registered job: a name the command and the task refer to, and a function."""

    name: str
    function: JobFunction
    description: str = ""


_jobs: dict[str, ScheduledJob] = {}


def register_scheduled_job(name: str, function: JobFunction, *, description: str = "") -> None:
    """Register ``function`` to run on every ``run_scheduled`` (called from ``AppConfig.ready``)."""
    existing = _jobs.get(name)
    if existing is not None and existing.function is not function:
        raise ValueError(f"a different scheduled job is already registered as {name!r}")
    _jobs[name] = ScheduledJob(name=name, function=function, description=description)


def scheduled_jobs() -> list[ScheduledJob]:
    """The registered jobs, in the order they were registered."""
    return list(_jobs.values())


def run_job(name: str) -> object:
    """Run one registered job here and now; ``KeyError`` for a name nobody registered."""
    return _jobs[name].function()


@task()
def run_scheduled_job(*, name: str) -> str:
    """The background task behind ``run_scheduled``: runs one job by name on a worker."""
    result = run_job(name)
    return "" if result is None else str(result)
