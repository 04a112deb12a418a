"""The "waiting for me" inbox (งานที่รอฉัน): the registry, the page, the menu and the home panel.

The real sources (plans, budget) are tested in their apps; here the registry holds test sources.
"""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from phaen.core import inbox
from phaen.core.access import Role, has_any_role
from phaen.core.inbox import InboxItem, InboxSection, inbox_for, register_inbox_source

pytestmark = pytest.mark.django_db

INBOX = reverse("inbox")


@pytest.fixture
def sources(monkeypatch):
    """An empty registry for the test: only the sources the test registers."""
    monkeypatch.setattr(inbox, "_sources", [])
    return inbox


def approvals(user):
    """A source that concerns approvers only, with two of three items shown."""
    if not has_any_role(user, {Role.APPROVER}):
        return None
    return InboxSection(
        title="รายงานที่รออนุมัติ",
        total=3,
        items=[
            InboxItem(
                text="รายงานโครงการส่งเสริมการอ่าน",
                url="/reports/1/",
                detail="กลุ่มนโยบายและแผน",
                due_on=date(2018, 1, 15),
                overdue=True,
            ),
            InboxItem(text="รายงานโครงการพัฒนาครู", url="/reports/2/", due_on=date(2018, 4, 15)),
        ],
        more_url="/reports/?state=submitted",
        order=20,
    )


def nothing_to_write(user):
    return InboxSection(title="รายงานที่ต้องจัดทำ", total=0, order=10)


def test_sections_come_in_their_order_and_sources_may_stay_out(sources, world):
    register_inbox_source(approvals)
    register_inbox_source(nothing_to_write)
    register_inbox_source(approvals)  # registering twice adds nothing
    approver = world.user(Role.APPROVER, world.province_a)
    reporter = world.user(Role.REPORTER, world.school_a2)
    assert [s.title for s in inbox_for(approver)] == ["รายงานที่ต้องจัดทำ", "รายงานที่รออนุมัติ"]
    assert [s.title for s in inbox_for(reporter)] == ["รายงานที่ต้องจัดทำ"]


def test_the_page_shows_each_section_with_its_items(sources, world, client):
    register_inbox_source(approvals)
    register_inbox_source(nothing_to_write)
    client.force_login(world.user(Role.APPROVER, world.province_a))
    page = client.get(INBOX).content.decode()
    assert "งานที่รอฉัน" in page
    assert '<a href="/reports/1/">รายงานโครงการส่งเสริมการอ่าน</a>' in page
    assert "กลุ่มนโยบายและแผน" in page
    assert "เลยกำหนด" in page
    assert "15 มกราคม 2561" in page
    assert page.count('class="overdue"') == 1
    assert '<a href="/reports/?state=submitted">ดูทั้งหมด 3 รายการ ›</a>' in page
    assert "รายงานที่ต้องจัดทำ" in page
    assert "ไม่มีรายการที่รอ" in page  # the empty section says so


def test_when_nothing_waits_the_page_says_so(sources, world, client):
    register_inbox_source(approvals)
    register_inbox_source(nothing_to_write)
    client.force_login(world.user(Role.REPORTER, world.school_a2))
    page = client.get(INBOX).content.decode()
    assert "ไม่มีงานที่รอคุณในขณะนี้" in page
    assert "รายงานที่รออนุมัติ" not in page


def test_visitors_are_sent_to_log_in(client, db):
    response = client.get(INBOX)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_the_menu_links_the_inbox_and_the_notifications(world, client):
    client.force_login(world.user(Role.VIEWER, world.school_a2))
    page = client.get(reverse("home")).content.decode()
    assert f'<a href="{INBOX}">งานที่รอฉัน</a>' in page
    assert f'<a href="{reverse("notification_list")}">การแจ้งเตือน</a>' in page


def test_the_home_panel_counts_what_waits(sources, world, client):
    register_inbox_source(approvals)
    register_inbox_source(nothing_to_write)
    client.force_login(world.user(Role.APPROVER, world.province_a))
    page = client.get(reverse("home")).content.decode()
    assert 'id="inbox-panel-heading"' in page
    assert 'รายงานที่รออนุมัติ</a> <span class="badge warn">3</span>' in page
    assert "รายงานที่ต้องจัดทำ" not in page  # nothing waits there: not listed on the panel


def test_the_home_panel_is_hidden_when_no_section_concerns_the_user(sources, world, client):
    register_inbox_source(approvals)
    client.force_login(world.user(Role.REPORTER, world.school_a2))
    page = client.get(reverse("home")).content.decode()
    assert 'id="inbox-panel-heading"' not in page


def test_the_home_panel_says_when_nothing_waits(sources, world, client):
    register_inbox_source(nothing_to_write)
    client.force_login(world.user(Role.REPORTER, world.school_a2))
    page = client.get(reverse("home")).content.decode()
    assert 'id="inbox-panel-heading"' in page
    assert "ไม่มีงานที่รอคุณในขณะนี้" in page
