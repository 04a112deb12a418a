"""manage.py run_scheduled: run the registered scheduled jobs (from cron or a systemd timer).

Each job is enqueued as a background task for ``db_worker`` (or run here with ``--now``). Jobs
are idempotent, so an overlapping or repeated run sends nothing twice.
"""

from __future__ import annotations

import logging
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from phaen.core.scheduling import run_job, run_scheduled_job, scheduled_jobs

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = (
        "Run the scheduled jobs apps registered (e.g. reminders): enqueue each as a background "
        "task, or run them here with --now. Name jobs to run only those."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("jobs", nargs="*", metavar="JOB", help="Only these jobs (by name).")
        parser.add_argument(
            "--now",
            action="store_true",
            help="Run the jobs in this process instead of enqueuing them for the workers.",
        )
        parser.add_argument("--list", action="store_true", help="List the jobs and stop.")

    def handle(self, *args: Any, **options: Any) -> None:
        jobs = scheduled_jobs()
        if options["list"]:
            for job in jobs:
                self.stdout.write(f"{job.name}\t{job.description}".rstrip())
            return
        wanted: list[str] = options["jobs"]
        unknown = sorted(set(wanted) - {job.name for job in jobs})
        if unknown:
            raise CommandError(f"No scheduled job named {', '.join(unknown)} (see --list).")
        if wanted:
            jobs = [job for job in jobs if job.name in wanted]
        failed = []
        for job in jobs:
            if not options["now"]:
                result = run_scheduled_job.enqueue(name=job.name)
                self.stdout.write(f"{job.name}: enqueued ({result.id})")
                continue
            try:
                outcome = run_job(job.name)
            except Exception as error:
                # One failing job must not stop the others; the command fails at the end.
                logger.exception("Scheduled job %s failed", job.name)
                self.stderr.write(f"{job.name}: failed: {error!r}")
                failed.append(job.name)
            else:
                self.stdout.write(
                    f"{job.name}: done" + ("" if outcome is None else f" ({outcome})")
                )
        if failed:
            raise CommandError(f"Scheduled jobs failed: {', '.join(failed)}")
