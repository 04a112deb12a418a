"""Background tasks of core (run by `manage.py db_worker`; immediately in tests)."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.tasks import task


@task()
def send_email(*, to: list[str], subject: str, body: str) -> int:
    """Send one plain-text e-mail. Enqueued on commit, so a rolled-back change sends nothing."""
    recipients = [address for address in to if address]
    if not recipients:
        return 0
    return send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, recipients)
