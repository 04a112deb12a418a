"""Notifications (การแจ้งเตือน): in-app messages to users, e-mailed at most once.

Apps decide *what* to tell *whom* and call ``notify()``; this module stores the rows, keeps
them from being created twice (the database's unique constraint on recipient and key), and
e-mails each new row once, in a background task enqueued after the caller's transaction
commits. Notifications are personal: nobody reads another user's, not even an admin or a
superuser, so they are not under the unit-scoped ``restrict()`` policy but read only through
``notifications_for(user)``.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from functools import partial
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, mailers
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.tasks import task
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.http import url_has_allowed_host_and_scheme

from phaen.core.audit import audit_record
from phaen.core.models import Notification, User

if TYPE_CHECKING:
    from phaen.core.access import AnyUser

logger = logging.getLogger(__name__)

#: How many notifications one e-mail task sends (over one SMTP connection).
EMAIL_BATCH_SIZE = 50
#: The bell counts up to this many unread notifications and then shows "99+".
UNREAD_COUNT_CAP = 100
#: Recipients looked up per query when checking which rows exist already.
_LOOKUP_CHUNK = 500
KEY_MAX_LENGTH = Notification._meta.get_field("key").max_length or 0
KIND_MAX_LENGTH = Notification._meta.get_field("kind").max_length or 0
URL_MAX_LENGTH = Notification._meta.get_field("url").max_length or 0


class NotificationEmailError(Exception):
    """Some e-mails of a batch could not be sent; they stay unsent and may be sent again."""


# Reading ----------------------------------------------------------------------------------------


def notifications_for(user: AnyUser) -> QuerySet[Notification]:
    """A user's own notifications, newest first: the only way the UI reads them."""
    if not user.is_authenticated:
        return Notification.objects.none()
    return Notification.objects.filter(recipient_id=user.pk)


def unread_count(user: AnyUser) -> int:
    """The bell's number: one ``COUNT`` on the partial index, capped at ``UNREAD_COUNT_CAP``."""
    if not user.is_authenticated:
        return 0
    return notifications_for(user).filter(read_at__isnull=True)[:UNREAD_COUNT_CAP].count()


def is_safe_relative_url(url: str) -> bool:
    """A path on this site ("/plans/versions/3/"), never another site (no open redirect)."""
    if url == "":
        return True
    return (
        url.startswith("/")
        and not url.startswith("//")
        and "\\" not in url
        and url_has_allowed_host_and_scheme(url, allowed_hosts=None)
    )


def wants_email(user: User) -> bool:
    return bool(user.is_active and user.email and user.email_notifications)


# Writing ----------------------------------------------------------------------------------------


def notify(
    recipients: Iterable[User],
    *,
    kind: str,
    key: str,
    title: str,
    body: str = "",
    url: str = "",
    email: bool = True,
) -> list[Notification]:
    """Tell ``recipients`` something once; return the notifications created now.

    A recipient who already has a notification with ``key`` gets nothing new (not even when
    another worker runs the same job at the same moment: the database's unique constraint
    decides). ``url`` is a path on this site. With ``email``, each new row is e-mailed to
    recipients who have an address and have not turned e-mail off, by a background task
    enqueued when the caller's transaction commits (a rolled-back change sends nothing).
    Inactive users are skipped.
    """
    if not key:
        raise ValueError("notify() needs a key: it is what keeps a notification from repeating")
    if len(key) > KEY_MAX_LENGTH or len(kind) > KIND_MAX_LENGTH or len(url) > URL_MAX_LENGTH:
        raise ValueError("notify(): the key, kind or url is longer than its column")
    if not is_safe_relative_url(url):
        raise ValueError(f"notify() takes a path on this site, not {url!r}")
    users: dict[int, User] = {}
    for user in recipients:
        if user.is_active and user.pk not in users:
            users[user.pk] = user
    if not users:
        return []
    now = timezone.now()
    with transaction.atomic():
        existing = _recipients_with_key(list(users), key)
        rows = [
            Notification(
                recipient=user,
                kind=kind,
                key=key,
                title=title[:255],
                body=body,
                url=url,
                created_at=now,
            )
            for pk, user in users.items()
            if pk not in existing
        ]
        created = _insert_once(rows)
        if email:
            to_email = [row.pk for row in created if wants_email(row.recipient)]
            if to_email:
                transaction.on_commit(partial(_enqueue_emails, to_email), robust=True)
    return created


def _recipients_with_key(user_ids: Sequence[int], key: str) -> set[int]:
    found: set[int] = set()
    for start in range(0, len(user_ids), _LOOKUP_CHUNK):
        chunk = user_ids[start : start + _LOOKUP_CHUNK]
        found.update(
            Notification.objects.filter(recipient_id__in=chunk, key=key).values_list(
                "recipient_id", flat=True
            )
        )
    return found


def _insert_once(rows: list[Notification]) -> list[Notification]:
    """Insert the rows; a row another transaction inserted meanwhile is left out, not repeated.

    One bulk insert in the usual case. If it hits the unique constraint (a concurrent run got
    there first), the rows are inserted one by one, each in its own savepoint, and those that
    conflict are dropped: only rows this call really created are returned (and e-mailed).
    """
    if not rows:
        return []
    try:
        with transaction.atomic():
            return Notification.objects.bulk_create(rows)
    except IntegrityError:
        pass
    created = []
    for row in rows:
        row.pk = None
        row._state.adding = True
        try:
            with transaction.atomic():
                row.save(force_insert=True)
        except IntegrityError:
            continue
        created.append(row)
    return created


def notification_mark_read(*, user: User, notification: Notification) -> Notification:
    """Mark one of the user's own notifications read (no effect on someone else's)."""
    if notification.read_at is None:
        now = timezone.now()
        notifications_for(user).filter(pk=notification.pk, read_at__isnull=True).update(read_at=now)
        notification.read_at = now
    return notification


def notifications_mark_all_read(*, user: User) -> int:
    """Mark every unread notification of the user read; returns how many."""
    return notifications_for(user).filter(read_at__isnull=True).update(read_at=timezone.now())


@transaction.atomic
def user_notification_settings_update(*, actor: User, email_notifications: bool) -> User:
    """A user turns e-mail copies of their notifications on or off (audited: it answers "why
    did I get no e-mail?")."""
    current = User.objects.select_for_update().get(pk=actor.pk)
    before = {"email_notifications": current.email_notifications}
    current.email_notifications = email_notifications
    current.save(update_fields=["email_notifications"])
    audit_record(
        actor=actor,
        action="core.user.updated",
        obj=current,
        before=before,
        after={"email_notifications": email_notifications},
        unit_path="",
    )
    actor.email_notifications = email_notifications
    return current


# E-mail -----------------------------------------------------------------------------------------


def _enqueue_emails(notification_ids: list[int]) -> None:
    for start in range(0, len(notification_ids), EMAIL_BATCH_SIZE):
        send_notification_emails.enqueue(
            notification_ids=notification_ids[start : start + EMAIL_BATCH_SIZE]
        )


def absolute_url(path: str) -> str:
    """``path`` on this site as a link for an e-mail (``SITE_URL``, from ``PHAEN_SITE_URL``)."""
    return settings.SITE_URL.rstrip("/") + path


def notification_email(notification: Notification) -> EmailMultiAlternatives:
    """The Thai e-mail of one notification: plain text with a simple HTML alternative."""
    recipient = notification.recipient
    context = {
        "notification": notification,
        "recipient": recipient,
        "site_name": settings.PHAEN_SITE_NAME,
        "link": absolute_url(notification.url or reverse("notification_list")),
        "settings_link": absolute_url(reverse("notification_settings")),
    }
    with translation.override("th"):
        subject = render_to_string("core/email/notification_subject.txt", context)
        text = render_to_string("core/email/notification.txt", context)
        html = render_to_string("core/email/notification.html", context)
    message = EmailMultiAlternatives(
        subject=" ".join(subject.split()),
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[recipient.email],
        headers={"Auto-Submitted": "auto-generated"},  # RFC 3834: no auto-replies, please
    )
    message.attach_alternative(html, "text/html")
    return message


def _claim(notification: Notification) -> bool:
    """Stamp ``emailed_at`` before sending; False if another worker already did."""
    now = timezone.now()
    claimed = Notification.objects.filter(pk=notification.pk, emailed_at__isnull=True).update(
        emailed_at=now
    )
    notification.emailed_at = now
    return claimed == 1


@task()
def send_notification_emails(*, notification_ids: list[int]) -> int:
    """E-mail the given notifications that have not been e-mailed; returns how many were sent.

    Each row is claimed (``emailed_at`` set) before it is sent, so two workers running the same
    task send it once; a send that fails releases the claim and the task fails after trying the
    rest, so the failure shows in the task results.
    """
    pending = list(
        Notification.objects.filter(pk__in=notification_ids, emailed_at__isnull=True)
        .select_related("recipient")
        .order_by("pk")
    )
    pending = [row for row in pending if wants_email(row.recipient)]
    if not pending:
        return 0
    sent = 0
    failed: list[int] = []
    with mailers.default as connection:
        for notification in pending:
            if not _claim(notification):
                continue
            try:
                connection.send_messages([notification_email(notification)])
            except Exception:
                logger.exception("Could not e-mail notification %s", notification.pk)
                Notification.objects.filter(pk=notification.pk).update(emailed_at=None)
                failed.append(notification.pk)
            else:
                sent += 1
    if failed:
        raise NotificationEmailError(f"not sent: notifications {failed}")
    return sent
