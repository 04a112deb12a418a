"""The plan as a PDF (plans:planversion_pdf): who may download it, what it holds, its queries."""

from __future__ import annotations

from urllib.parse import unquote

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from benchmarks.plan_data import PlanSize, build_plan
from phaen.core.access import Role
from phaen.core.tests.pdf_tools import pdf_fonts, pdf_text, require_poppler, write_pdf
from phaen.plans.services import version_approve, version_publish
from phaen.plans.tests.factories import fiscal_year, small_plan

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(world):
    fiscal_year(2561)
    return small_plan(world.province_a, world.group_a1)


def squeeze(text: str) -> str:
    return "".join(text.split())


def pdf_url(version) -> str:
    return reverse("plans:planversion_pdf", args=[version.pk])


def publish(version) -> None:
    version_approve(actor=None, version=version, expected_version=version.version)
    version.refresh_from_db()
    version_publish(actor=None, version=version, expected_version=version.version)


def test_the_plan_page_links_to_its_pdf(client, world, plan):
    client.force_login(world.user(Role.VIEWER, world.province_a))
    page = client.get(plan.version.get_absolute_url()).content.decode()
    assert f'href="{pdf_url(plan.version)}"' in page
    assert "ดาวน์โหลด PDF" in page


def test_the_pdf_holds_the_whole_plan(client, world, plan, tmp_path):
    client.force_login(world.user(Role.PLANNER, world.province_a))
    response = client.get(pdf_url(plan.version))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    pdf = response.content
    assert pdf.startswith(b"%PDF-")
    disposition = response["Content-Disposition"]
    assert disposition.startswith('attachment; filename="action-plan-2561-1.pdf"; filename*=')
    assert unquote(disposition.split("UTF-8''", 1)[1]) == f"{plan.plan.title} ฉบับที่ 1.pdf"

    require_poppler()
    path = write_pdf(pdf, tmp_path)
    assert {font.name for font in pdf_fonts(path)} <= {
        "Phaen-Sarabun",
        "Phaen-Sarabun-Bold",
        "Phaen-Sarabun-Italic",
        "Phaen-Sarabun-Bold-Italic",
    }
    # Compared without white space: table cells wrap their text onto several lines.
    text = squeeze(pdf_text(path))
    cover = squeeze(pdf_text(path, first=1, last=1))
    for expected in (plan.plan.title, "ปีงบประมาณ พ.ศ. 2561", "ฉบับที่ 1", "ฉบับแรก", "ร่าง"):
        assert squeeze(expected) in cover, expected
    assert squeeze(world.province_a.name) in cover
    for expected in (
        "จัดการศึกษาให้ทั่วถึง",  # the mission
        "ประเด็นยุทธศาสตร์ที่ 1 พัฒนาคุณภาพการศึกษา",
        "เป้าประสงค์ที่ 1.1 ผู้เรียนมีคุณภาพ",
        "ร้อยละของผู้เรียนที่อ่านออกเขียนได้ (สะสม) ร้อยละ 70 80 – 75 – 80",  # base, target, Q1–4
        "กลยุทธ์ที่ 1.1 ส่งเสริมการอ่าน",
        "P01 โครงการส่งเสริมการอ่าน",
        world.group_a1.name,  # the lead unit
        "ต.ค. 60 – ก.ย. 61",  # the months
        "100,000.00",
        "50,000.50",
        "รวม 150,000.50",  # the strategy's total
        "รวมทั้งแผน (1 กิจกรรม) 2 150,000.50",  # the plan's total: projects, budget
        "หนึ่งแสนห้าหมื่นบาทห้าสิบสตางค์",  # … in words
    ):
        assert squeeze(expected) in text, expected


def test_the_pdf_follows_the_plan_pages_access(client, world, plan):
    url = pdf_url(plan.version)
    outsider = world.user(Role.PLANNER, world.province_b)
    client.force_login(outsider)
    assert client.get(url).status_code == 404  # outside the scope: as if it did not exist
    client.logout()
    response = client.get(url)  # a visitor, and the draft is not public
    assert response.status_code in (302, 404)
    assert client.get(plan.version.get_absolute_url()).status_code == response.status_code

    publish(plan.version)
    assert client.get(url).status_code == 200  # the published plan is public
    client.force_login(outsider)
    assert client.get(url).status_code == 200


def test_the_pdf_runs_the_same_queries_for_5_and_25_projects(world):
    planner = world.user(Role.PLANNER, world.province_a)
    sizes = {
        5: PlanSize(projects=5, activities=10, issues=2, goal_indicators=2, missions=1),
        25: PlanSize(projects=25, activities=50, issues=4, goal_indicators=8),
    }
    client = Client()
    client.force_login(planner)
    counts = {}
    for year, (projects, size) in zip((2561, 2562), sizes.items(), strict=True):
        built = build_plan(
            unit=world.province_a,
            lead_units=[world.group_a1],
            partner_units=[world.school_a2],
            year=year,
            size=size,
            actor=planner,
        )
        client.get(pdf_url(built.version))  # the session's first request stores its idle timer
        with CaptureQueriesContext(connection) as queries:
            response = client.get(pdf_url(built.version))
        assert response.status_code == 200
        counts[projects] = len(queries)
    assert counts[5] == counts[25], counts
