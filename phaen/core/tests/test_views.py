"""The shell and the generic views through HTTP: audit log, fiscal year, home, errors, lists, edits.

The generic views are exercised on the org-unit pages (core may not import orgs, so the rows come
from the ``world`` fixture and the URLs from their names).
"""

import csv
import datetime as dt
import io
import re

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from phaen.core.access import Role
from phaen.core.audit import audit_record
from phaen.core.fiscal import SESSION_KEY
from phaen.core.models import AuditEvent

pytestmark = pytest.mark.django_db

AUDIT_LIST = reverse("core:auditevent_list")
MENU_ENTRY = f'<li><a href="{AUDIT_LIST}">บันทึกการเปลี่ยนแปลง</a></li>'


def login(client, user):
    client.force_login(user)
    return client


def html(response):
    return response.content.decode()


def make_event(unit, reason, *, day=None, action="test.thing.updated"):
    with transaction.atomic():
        event = audit_record(
            actor=None,
            action=action,
            before={"name": "เดิม"},
            after={"name": "ใหม่"},
            reason=reason,
            unit_path=unit.path,
        )
    if day is not None:
        at = timezone.make_aware(dt.datetime.combine(day, dt.time(10, 30)))
        AuditEvent.objects.filter(pk=event.pk).update(occurred_at=at)
    return event


# The audit log ------------------------------------------------------------------------------------


@pytest.fixture
def logged_events(world):
    return {
        "a_2560": make_event(world.school_a2, "ปรับแผนไตรมาสแรก", day=dt.date(2017, 10, 1)),
        "a_2561": make_event(world.group_a1, "ปรับงบประมาณ", day=dt.date(2018, 1, 15)),
        "b": make_event(world.school_b1, "เหตุผลของจังหวัดข", day=dt.date(2017, 10, 1)),
    }


def test_the_audit_log_shows_an_admin_the_events_of_their_subtree(client, world, logged_events):
    login(client, world.user(Role.ADMIN, world.province_a))
    response = client.get(AUDIT_LIST)
    assert response.status_code == 200
    page = html(response)
    assert "ปรับแผนไตรมาสแรก" in page
    assert "ปรับงบประมาณ" in page
    assert "เหตุผลของจังหวัดข" not in page
    assert logged_events["a_2560"].get_absolute_url() in page
    assert "1 ต.ค. 60 10:30 น." in page  # BE dates in the table
    assert MENU_ENTRY in html(client.get(reverse("home")))


@pytest.mark.parametrize("role", [Role.VIEWER, Role.PLANNER, Role.APPROVER])
def test_the_audit_log_shows_other_roles_nothing(client, world, logged_events, role):
    login(client, world.user(role, world.province_a))
    response = client.get(AUDIT_LIST)
    assert response.status_code == 200
    page = html(response)
    assert "ยังไม่มีรายการ" in page
    assert "ปรับแผนไตรมาสแรก" not in page
    assert MENU_ENTRY not in html(client.get(reverse("home")))
    detail = client.get(logged_events["a_2560"].get_absolute_url())
    assert detail.status_code == 404


def test_the_audit_log_needs_a_login(client):
    response = client.get(AUDIT_LIST)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_the_audit_log_filters_by_a_be_date_range(client, world, logged_events):
    login(client, world.user(Role.ADMIN, world.province_a))
    response = client.get(AUDIT_LIST, {"date_from": "1/10/2560", "date_to": "1/10/2560"})
    page = html(response)
    assert "ปรับแผนไตรมาสแรก" in page
    assert "ปรับงบประมาณ" not in page
    response = client.get(AUDIT_LIST, {"date_from": "๒/๑๐/๒๕๖๐"})  # Thai digits
    page = html(response)
    assert "ปรับงบประมาณ" in page
    assert "ปรับแผนไตรมาสแรก" not in page


def test_an_unreadable_date_filter_is_explained_and_filters_nothing(client, world, logged_events):
    login(client, world.user(Role.ADMIN, world.province_a))
    response = client.get(AUDIT_LIST, {"date_from": "31/2/2560"})
    assert response.status_code == 200
    page = html(response)
    assert "ปรับแผนไตรมาสแรก" in page
    assert "ปรับงบประมาณ" in page
    assert "errorlist" in page


def test_the_audit_log_filters_by_text(client, world, logged_events):
    login(client, world.user(Role.ADMIN, world.province_a))
    page = html(client.get(AUDIT_LIST, {"q": "งบประมาณ"}))
    assert "ปรับงบประมาณ" in page
    assert "ปรับแผนไตรมาสแรก" not in page
    page = html(client.get(AUDIT_LIST, {"q": "ไม่มีคำนี้แน่นอน"}))
    assert "ไม่พบรายการที่ตรงกับเงื่อนไขที่เลือก" in page


def test_the_audit_log_filters_by_action_prefix(client, world, logged_events):
    make_event(world.school_a2, "ย้ายหน่วยงาน", action="orgs.orgunit.moved")
    login(client, world.user(Role.ADMIN, world.province_a))
    page = html(client.get(AUDIT_LIST, {"action": "orgs.orgunit"}))
    assert "ย้ายหน่วยงาน" in page
    assert "ปรับงบประมาณ" not in page


def test_the_audit_log_exports_csv_of_the_filtered_in_scope_rows(client, world, logged_events):
    login(client, world.user(Role.ADMIN, world.province_a))
    response = client.get(AUDIT_LIST, {"q": "ปรับ", "export": "csv"})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="audit-log-')
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))
    assert rows[0] == ["เวลา", "ผู้ดำเนินการ", "การกระทำ", "รายการ", "ข้อมูลที่เปลี่ยน", "เหตุผล"]
    reasons = [row[5] for row in rows[1:]]
    assert reasons == ["ปรับงบประมาณ", "ปรับแผนไตรมาสแรก"]  # newest first
    assert rows[2][0] == "1 ต.ค. 60 10:30 น."
    assert "เหตุผลของจังหวัดข" not in text


def test_the_audit_log_exports_xlsx_of_in_scope_rows_only(client, world, logged_events):
    login(client, world.user(Role.ADMIN, world.province_b))
    response = client.get(AUDIT_LIST, {"export": "xlsx"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[0][5] == "เหตุผล"
    reasons = [row[5] for row in rows[1:]]
    assert "เหตุผลของจังหวัดข" in reasons
    assert "ปรับแผนไตรมาสแรก" not in reasons
    assert "ปรับงบประมาณ" not in reasons
    # Every exported row belongs to province B's subtree.
    exported = AuditEvent.objects.filter(unit_path__startswith=world.province_b.path)
    assert len(rows) - 1 == exported.count()


def test_an_audit_event_page_shows_the_changes(client, world, logged_events):
    login(client, world.user(Role.ADMIN, world.province_a))
    event = logged_events["a_2560"]
    response = client.get(event.get_absolute_url())
    assert response.status_code == 200
    page = html(response)
    assert "ปรับแผนไตรมาสแรก" in page
    assert '<td class="before">เดิม</td>' in page
    assert '<td class="after">ใหม่</td>' in page


# Fiscal year --------------------------------------------------------------------------------------


def test_the_fiscal_year_switch_stores_the_choice_and_goes_back(client, world):
    login(client, world.user(Role.VIEWER, world.province_a))
    response = client.post(
        reverse("core:fiscal_year_select"),
        {"fiscal_year": "2561", "next": "/orgs/units/?sort=name"},
    )
    assert response.status_code == 302
    assert response["Location"] == "/orgs/units/?sort=name"
    assert client.session[SESSION_KEY] == 2561
    page = html(client.get(reverse("home")))
    assert "ปีงบประมาณ พ.ศ. 2561" in page
    assert '<option value="2561" selected>' in page


@pytest.mark.parametrize("value", ["", "abc", "2561.5", "99", "3000"])
def test_the_fiscal_year_switch_refuses_junk(client, value):
    response = client.post(reverse("core:fiscal_year_select"), {"fiscal_year": value})
    assert response.status_code == 400
    assert "ปีงบประมาณไม่ถูกต้อง" in html(response)
    assert SESSION_KEY not in client.session


@pytest.mark.parametrize(
    "next_url", ["https://evil.example/phish", "//evil.example/", "javascript:alert(1)"]
)
def test_the_fiscal_year_switch_ignores_an_off_site_next(client, next_url):
    response = client.post(
        reverse("core:fiscal_year_select"), {"fiscal_year": "2562", "next": next_url}
    )
    assert response.status_code == 302
    assert response["Location"] == "/"


def test_the_fiscal_year_switch_accepts_post_only(client):
    assert (
        client.get(reverse("core:fiscal_year_select"), {"fiscal_year": "2561"}).status_code == 405
    )


def test_a_selected_year_outside_the_usual_range_is_still_shown_as_selected(client, world):
    login(client, world.user(Role.VIEWER, world.province_a))
    client.post(reverse("core:fiscal_year_select"), {"fiscal_year": "2500"})
    page = html(client.get(reverse("home")))
    assert '<option value="2500" selected>' in page


def test_the_default_fiscal_year_comes_from_settings(client, world, settings):
    settings.PHAEN_DEFAULT_FISCAL_YEAR = 2561
    login(client, world.user(Role.VIEWER, world.province_a))
    page = html(client.get(reverse("home")))
    assert "ปีงบประมาณ พ.ศ. 2561 (1 ต.ค. 60 – 30 ก.ย. 61)" in page


# Home ---------------------------------------------------------------------------------------------


def test_home_greets_the_user_and_shows_the_quarterly_calendar(client, world):
    user = world.user(Role.REPORTER, world.school_a2)
    login(client, user)
    client.post(reverse("core:fiscal_year_select"), {"fiscal_year": "2561"})
    response = client.get(reverse("home"))
    assert response.status_code == 200
    page = html(response)
    assert f"สวัสดี {user}" in page
    assert "ปฏิทินการรายงานผลรายไตรมาส" in page
    assert "1 ต.ค. 60 – 31 ธ.ค. 60" in page  # FY2561 Q1
    assert "1 ก.ค. 61 – 30 ก.ย. 61" in page  # FY2561 Q4
    # The "my units" panel: the membership and a link to the unit.
    assert "หน่วยงานและบทบาทของฉัน" in page
    assert (
        f'<a href="{world.school_a2.get_absolute_url()}">{world.school_a2.name}</a> – ผู้รายงาน'
        in page
    )


def test_home_tells_a_user_without_roles_whom_to_ask(client, world):
    login(client, world.nobody())
    page = html(client.get(reverse("home")))
    assert "คุณยังไม่มีบทบาทในหน่วยงานใด" in page


def test_home_tells_a_superuser_they_reach_everything(client, world):
    login(client, world.superuser())
    page = html(client.get(reverse("home")))
    assert "คุณเป็นผู้ดูแลระบบสูงสุด เข้าถึงได้ทุกหน่วยงาน" in page


def test_home_needs_a_login(client):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next=/"


# Error pages --------------------------------------------------------------------------------------


def test_the_404_page_is_thai(client, world):
    login(client, world.user(Role.VIEWER, world.province_a))
    response = client.get(world.school_b1.get_absolute_url())
    assert response.status_code == 404
    page = html(response)
    assert '<html lang="th">' in page
    assert "ไม่พบหน้าที่ต้องการ" in page
    assert "อยู่นอกหน่วยงานที่คุณมีสิทธิ์เข้าถึง" in page


def test_an_unknown_url_gets_the_thai_404_page(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "ไม่พบหน้าที่ต้องการ" in html(response)


def test_the_403_page_is_thai_and_says_why(client, world):
    login(client, world.user(Role.VIEWER, world.province_a))
    response = client.get(reverse("orgs:orgunit_edit", args=[world.school_a2.pk]))
    assert response.status_code == 403
    page = html(response)
    assert '<html lang="th">' in page
    assert "ไม่มีสิทธิ์เข้าถึง" in page
    assert "คุณไม่มีสิทธิ์ดำเนินการนี้กับรายการนี้" in page


def test_the_500_page_renders_without_a_request_context():
    from phaen.core.views.shell import error_500

    response = error_500(None)
    assert response.status_code == 500
    assert "<html" in response.content.decode()


# Generic edit: a stale edit through the form ------------------------------------------------------


def test_a_stale_edit_is_refused_with_the_thai_message_and_keeps_the_input(client, world):
    school = world.school_a2
    planner = world.user(Role.PLANNER, world.province_a)
    login(client, planner)
    url = reverse("orgs:orgunit_edit", args=[school.pk])
    form = {
        "code": school.code,
        "kind": school.kind,
        "affiliation": school.affiliation,
        "version": school.version,
    }
    # A colleague saves first.
    assert client.post(url, {**form, "name": "ชื่อของเพื่อนร่วมงาน"}).status_code == 302
    # This user's form still carries version 1.
    response = client.post(
        url, {**form, "name": "ชื่อที่ฉันพิมพ์ไว้", "phone": "075-999999", "reason": "ฉบับของฉัน"}
    )
    assert response.status_code == 400
    page = html(response)
    assert re.search(r"มีผู้อื่นบันทึกการแก้ไขรายการนี้ไปแล้ว[^<]*ฉบับที่ 2\b[^<]*ฉบับที่ 1\b", page)
    assert 'value="ชื่อที่ฉันพิมพ์ไว้"' in page
    assert 'value="075-999999"' in page
    assert "ฉบับของฉัน</textarea>" in page
    school.refresh_from_db()
    assert (school.name, school.phone, school.version) == ("ชื่อของเพื่อนร่วมงาน", "", 2)


def test_the_edit_form_carries_the_current_version(client, world):
    login(client, world.user(Role.PLANNER, world.province_a))
    page = html(client.get(reverse("orgs:orgunit_edit", args=[world.school_a2.pk])))
    assert '<input type="hidden" name="version" value="1"' in page


def test_an_invalid_edit_shows_the_errors_with_status_400(client, world):
    school = world.school_a2
    login(client, world.user(Role.PLANNER, world.province_a))
    response = client.post(
        reverse("orgs:orgunit_edit", args=[school.pk]),
        {"name": "", "kind": "castle", "affiliation": school.affiliation, "version": 1},
    )
    assert response.status_code == 400
    assert "ยังบันทึกไม่ได้ กรุณาแก้ไขข้อมูลที่ระบุด้านล่าง" in html(response)


def test_deleting_a_unit_that_owns_data_shows_why_it_is_refused(client, world):
    login(client, world.user(Role.PLANNER, world.region))
    response = client.post(
        reverse("orgs:orgunit_delete", args=[world.province_a.pk]), {"version": 1}
    )
    assert response.status_code == 400
    assert "ลบ “ศธจ.ก” ไม่ได้ เพราะยังมีข้อมูลที่อ้างถึงอยู่: หน่วยงาน 2 รายการ" in html(response)


def test_the_history_page_lists_readable_changes(client, world):
    school = world.school_a2
    login(client, world.user(Role.PLANNER, world.province_a))
    client.post(
        reverse("orgs:orgunit_edit", args=[school.pk]),
        {
            "name": "โรงเรียนบ้านใหม่",
            "code": school.code,
            "kind": school.kind,
            "affiliation": school.affiliation,
            "version": 1,
            "reason": "เปลี่ยนชื่อ",
        },
    )
    response = client.get(reverse("orgs:orgunit_history", args=[school.pk]))
    assert response.status_code == 200
    page = html(response)
    assert "ชื่อหน่วยงาน" in page
    assert "โรงเรียน ก2" in page
    assert "โรงเรียนบ้านใหม่" in page
    assert "เปลี่ยนชื่อ" in page


# Generic list: sorting, pagination, htmx ----------------------------------------------------------


def unit_links(page, world):
    """The unit names linked in a list page, in page order."""
    units = [world.root, world.region, world.province_a, world.group_a1, world.school_a2]
    units += [world.province_b, world.school_b1]
    found = [(page.find(f'<a href="{u.get_absolute_url()}">{u.name}</a>'), u.name) for u in units]
    return [name for position, name in sorted(found) if position >= 0]


def test_the_list_sorts_by_a_column_both_ways(client, world):
    login(client, world.user(Role.VIEWER, world.province_a))
    url = reverse("orgs:orgunit_list")
    expected = sorted([world.province_a.name, world.group_a1.name, world.school_a2.name])
    ascending = html(client.get(url, {"sort": "name"}))
    assert unit_links(ascending, world) == expected
    assert 'href="?sort=-name" aria-sort="ascending"' in ascending
    descending = html(client.get(url, {"sort": "-name"}))
    assert unit_links(descending, world) == expected[::-1]
    assert 'href="?sort=name" aria-sort="descending"' in descending


def test_an_unknown_sort_falls_back_to_the_default_order(client, world):
    login(client, world.superuser())
    page = html(client.get(reverse("orgs:orgunit_list"), {"sort": "password"}))
    # The default order is the tree order (path).
    assert unit_links(page, world)[:3] == [
        world.root.name,
        world.region.name,
        world.province_a.name,
    ]
    assert "aria-sort" not in page


def test_the_list_paginates(client, world, settings):
    settings.PHAEN_LIST_PAGE_SIZE = 3
    login(client, world.superuser())
    url = reverse("orgs:orgunit_list")
    first = html(client.get(url, {"sort": "name"}))
    assert "แสดง 1–3 จาก 7 รายการ" in first
    assert 'href="?sort=name&amp;page=2" rel="next"' in first
    third = html(client.get(url, {"sort": "name", "page": "3"}))
    assert "แสดง 7–7 จาก 7 รายการ" in third
    assert 'rel="prev"' in third
    assert len(unit_links(third, world)) == 1
    beyond = html(client.get(url, {"sort": "name", "page": "99"}))
    assert "แสดง 7–7 จาก 7 รายการ" in beyond


def test_an_htmx_request_gets_the_table_only(client, world):
    login(client, world.user(Role.VIEWER, world.province_a))
    response = client.get(
        reverse("orgs:orgunit_list"), {"q": "โรงเรียน"}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    page = html(response)
    assert page.startswith('<div id="object-list">')
    assert "<html" not in page
    assert "<form" not in page
    assert unit_links(page, world) == [world.school_a2.name]
