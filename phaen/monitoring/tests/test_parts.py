"""Parts of a report: problems and corrective actions (carried into later quarters until
closed), evidence files and links (type, content and size checks), contributions of partners."""

import hashlib
import io
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.utils import timezone
from openpyxl import Workbook

from phaen.core.access import Role
from phaen.core.exceptions import DomainError, OutOfScopeError
from phaen.core.models import AuditEvent
from phaen.monitoring import services
from phaen.monitoring.evidence import download_response
from phaen.monitoring.models import (
    Contribution,
    CorrectiveAction,
    Evidence,
    Problem,
    evidence_storage,
)
from phaen.monitoring.selectors import carried_actions, report_content
from phaen.monitoring.tests import factories as f

pytestmark = pytest.mark.django_db

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def plan(world):
    return f.monitored_plan(world)


def reporter(world):
    return world.user(Role.REPORTER, world.group_a1)


def approve(report):
    report = services.report_submit(actor=None, report=report, expected_version=report.version)
    return services.report_approve(actor=None, report=report, expected_version=report.version)


# Problems and corrective actions -------------------------------------------------------------


def test_problems_and_actions_are_added_updated_and_closed(world, plan):
    report = f.start(plan)
    problem, action = f.problem_with_action(report)
    assert action.project_lineage == plan.project.lineage
    assert action.unit_path == world.group_a1.path
    assert action.updated_in_report == report
    problem.cause = "ตรงกับช่วงสอบปลายภาค"
    problem = services.problem_update(
        actor=reporter(world), instance=problem, expected_version=problem.version
    )
    assert Problem.objects.get(pk=problem.pk).cause == "ตรงกับช่วงสอบปลายภาค"
    action.owner_unit = world.group_a1
    action.status = CorrectiveAction.Status.IN_PROGRESS
    action = services.corrective_action_update(
        actor=reporter(world), instance=action, expected_version=action.version
    )
    closed = services.corrective_action_close(
        actor=reporter(world), action=action, expected_version=action.version, result_note="เสร็จ"
    )
    assert closed.status == CorrectiveAction.Status.DONE
    assert closed.done_on == timezone.localdate()
    assert closed.owner_unit == world.group_a1
    assert AuditEvent.objects.filter(action="monitoring.correctiveaction.updated").count() == 2


def test_open_actions_carry_into_later_quarters_until_closed(world, plan):
    q1 = f.fill(f.start(plan, "Q1"))
    _problem, open_action = f.problem_with_action(q1)
    _other, closed_action = f.problem_with_action(q1, description="วัสดุมาช้า")
    services.corrective_action_close(
        actor=None, action=closed_action, expected_version=closed_action.version
    )
    q1 = approve(q1)

    q2 = f.start(plan, "Q2")
    assert list(carried_actions(q2)) == [open_action]
    assert report_content(q2).carried_actions == [open_action]

    # The Q1 report is locked, but its open action is followed up from the Q2 report.
    open_action.refresh_from_db()
    open_action.description = "เปลี่ยนแนวทาง"
    with pytest.raises(DomainError, match="ถูกล็อก"):
        services.corrective_action_update(
            actor=reporter(world), instance=open_action, expected_version=open_action.version
        )
    open_action.refresh_from_db()
    open_action.status = CorrectiveAction.Status.IN_PROGRESS
    open_action.result_note = "อบรมออนไลน์ไปแล้ว 1 รุ่น"
    open_action.description = "ข้อความที่รายงานไตรมาสถัดไปแก้ไม่ได้"
    followed = services.corrective_action_update(
        actor=reporter(world),
        instance=open_action,
        expected_version=open_action.version,
        via_report=q2,
    )
    assert followed.updated_in_report == q2
    assert followed.result_note == "อบรมออนไลน์ไปแล้ว 1 รุ่น"
    assert followed.description == "จัดอบรมออนไลน์เพิ่มเติม"

    closed = services.corrective_action_close(
        actor=reporter(world), action=followed, expected_version=followed.version, via_report=q2
    )
    # Closed in Q2: the Q2 report still shows it (it closed it); Q3 no longer carries it.
    assert list(carried_actions(q2)) == [closed]
    q2 = approve(f.fill(q2))
    q3 = f.start(plan, "Q3")
    assert list(carried_actions(q3)) == []


def test_actions_are_followed_only_from_a_later_report_of_the_same_project(world, plan):
    q2 = f.start(plan, "Q2")
    _problem, action = f.problem_with_action(q2)
    other = f.start(plan, "Q2", project=plan.small.other_project)
    q1 = f.start(plan, "Q1")
    for report, message in ((other, "ไม่ใช่ของโครงการ"), (q1, "ไตรมาสถัดไป")):
        with pytest.raises(DomainError, match=message):
            services.corrective_action_update(
                actor=None, instance=action, expected_version=action.version, via_report=report
            )
    assert CorrectiveAction.objects.get(pk=action.pk).version == action.version


def test_a_problem_followed_up_later_cannot_be_deleted(world, plan):
    q1 = f.fill(f.start(plan, "Q1"))
    problem, action = f.problem_with_action(q1)
    q1 = services.report_submit(actor=None, report=q1, expected_version=q1.version)
    q1 = services.report_return(actor=None, report=q1, expected_version=q1.version, comment="แก้")
    q2 = f.start(plan, "Q2")
    services.corrective_action_update(
        actor=None, instance=action, expected_version=action.version, via_report=q2
    )
    with pytest.raises(DomainError, match="ติดตามต่อในรายงานไตรมาสถัดไป"):
        services.problem_delete(actor=None, instance=problem)
    assert Problem.objects.filter(pk=problem.pk).exists()


def test_problems_of_another_units_report_are_out_of_scope(world, plan):
    report = f.start(plan)
    problem, _action = f.problem_with_action(report)
    problem.description = "แก้โดยคนนอก"
    with pytest.raises(OutOfScopeError):
        services.problem_update(
            actor=world.user(Role.REPORTER, world.school_a2),
            instance=problem,
            expected_version=problem.version,
        )
    assert Problem.objects.get(pk=problem.pk).description == "ครูไม่ว่างเข้ารับการอบรม"


# Evidence ------------------------------------------------------------------------------------


def stored_files(path="evidence"):
    """Every file under ``path`` in the evidence storage (shared by the tests of a process)."""
    storage = evidence_storage()
    if not storage.exists(path):
        return set()
    directories, files = storage.listdir(path)
    found = {f"{path}/{name}" for name in files}
    for directory in directories:
        found |= stored_files(f"{path}/{directory}")
    return found


def upload(name, content):
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def xlsx_bytes():
    book = Workbook()
    book.active.append(["ชื่อ", "จำนวน"])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_a_pdf_is_stored_under_a_random_name_with_its_digest(world, plan):
    report = f.start(plan)
    evidence = services.evidence_add(
        actor=reporter(world),
        report=report,
        title="รายงานการอบรม",
        upload=upload("../../รายงาน การอบรม.PDF", PDF_BYTES),
    )
    assert evidence.kind == Evidence.Kind.FILE
    assert evidence.original_name == "รายงาน การอบรม.PDF"
    assert evidence.content_type == "application/pdf"
    assert evidence.size == len(PDF_BYTES)
    assert evidence.sha256 == hashlib.sha256(PDF_BYTES).hexdigest()
    assert evidence.file.name.startswith("evidence/")
    assert evidence.file.name.endswith(".pdf")
    assert "รายงาน" not in evidence.file.name
    assert evidence.unit_path == world.group_a1.path
    with evidence_storage().open(evidence.file.name) as stored:
        assert stored.read() == PDF_BYTES


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("photo.png", PNG_BYTES),
        ("photo.JPEG", b"\xff\xd8\xff\xe0" + b"\x00" * 32),
        ("sheet.xlsx", xlsx_bytes()),
        ("old.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64),
        ("list.csv", "ชื่อ,จำนวน\nโรงเรียน ก,12\n".encode()),
        ("list-windows.csv", "ชื่อ,จำนวน\n".encode("cp874")),
    ],
)
def test_office_files_and_images_are_accepted(world, plan, name, content):
    evidence = services.evidence_add(
        actor=None, report=f.start(plan), title="หลักฐาน", upload=upload(name, content)
    )
    assert evidence.size == len(content)


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("page.html", b"<html><script>alert(1)</script></html>", r"ไม่รับไฟล์ชนิดนี้ \(\.html\)"),
        ("page.pdf", b"<html><script>alert(1)</script></html>", "ไม่ใช่ไฟล์ PDF"),
        ("setup.exe", b"MZ\x90\x00", "ไม่รับไฟล์ชนิดนี้"),
        ("image.png", PDF_BYTES, "ไม่ใช่ไฟล์ PNG"),
        ("archive.xlsx", b"PK\x03\x04" + b"\x00" * 64, "ไม่ใช่ไฟล์ XLSX"),
        ("letter.docx", xlsx_bytes(), "ไม่ใช่ไฟล์ DOCX"),
        ("table.csv", b"<!DOCTYPE html><html></html>", "ไม่ใช่ไฟล์ CSV"),
        ("binary.csv", b"a,b\x00c", "ไม่ใช่ไฟล์ CSV"),
        ("noext", PDF_BYTES, "ไม่มีนามสกุล"),
        ("empty.pdf", b"", "ไฟล์ว่างเปล่า"),
    ],
)
def test_disallowed_files_are_refused_and_nothing_is_stored(world, plan, name, content, message):
    report = f.start(plan)
    files = stored_files()
    with pytest.raises(DomainError, match=message):
        services.evidence_add(
            actor=reporter(world), report=report, title="หลักฐาน", upload=upload(name, content)
        )
    assert not Evidence.objects.exists()
    assert stored_files() == files


@override_settings(PHAEN_EVIDENCE_MAX_BYTES=1024)
def test_an_oversize_file_is_refused(world, plan):
    report = f.start(plan)
    files = stored_files()
    with pytest.raises(DomainError, match="ไฟล์มีขนาดใหญ่เกินไป"):
        services.evidence_add(
            actor=None,
            report=report,
            title="ใหญ่",
            upload=upload("big.pdf", PDF_BYTES + b"0" * 2048),
        )
    assert not Evidence.objects.exists()
    assert stored_files() == files


def test_links_must_be_web_addresses(world, plan):
    report = f.start(plan)
    link = services.evidence_add(
        actor=None, report=report, title="ภาพกิจกรรม", url="https://example.go.th/album/1"
    )
    assert (link.kind, link.file.name) == (Evidence.Kind.LINK, "")
    for bad in ("javascript:alert(1)", "ftp://example.go.th/x", "example"):
        with pytest.raises(DomainError, match="http:// หรือ https://"):
            services.evidence_add(actor=None, report=report, title="ลิงก์", url=bad)
    with pytest.raises(DomainError, match="อย่างใดอย่างหนึ่ง"):
        services.evidence_add(actor=None, report=report, title="ว่าง")
    assert Evidence.objects.count() == 1


def test_evidence_attaches_to_a_result_and_follows_its_reports_lock(world, plan):
    report = f.fill(f.start(plan))
    result = f.result(report, plan.achieved, "45")
    evidence = services.evidence_add(
        actor=None, result=result, title="ผลสำรวจ", upload=upload("ผล.pdf", PDF_BYTES)
    )
    assert evidence.result == result
    assert evidence.unit_path == result.unit_path
    assert report_content(report).evidence == [evidence]
    approve(report)
    with pytest.raises(DomainError, match="ถูกล็อก"):
        services.evidence_add(actor=None, result=result, title="เพิ่ม", url="https://example.go.th")
    with pytest.raises(DomainError, match="ถูกล็อก"):
        services.evidence_delete(actor=None, evidence=evidence)
    assert Evidence.objects.count() == 1


def test_deleting_evidence_removes_the_file_after_commit(
    world, plan, django_capture_on_commit_callbacks
):
    report = f.start(plan)
    evidence = services.evidence_add(
        actor=reporter(world), report=report, title="ภาพ", upload=upload("a.png", PNG_BYTES)
    )
    name = evidence.file.name
    with django_capture_on_commit_callbacks(execute=True):
        services.evidence_delete(actor=reporter(world), evidence=evidence)
    assert not Evidence.objects.exists()
    assert not evidence_storage().exists(name)


def test_a_download_is_never_rendered_by_the_browser(world, plan):
    evidence = services.evidence_add(
        actor=None, report=f.start(plan), title="ภาพ", upload=upload("ภาพกิจกรรม.png", PNG_BYTES)
    )
    response = download_response(evidence)
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "sandbox"
    assert b"".join(response.streaming_content) == PNG_BYTES


def test_partners_add_evidence_and_outsiders_do_not(world, plan):
    report = f.start(plan)
    supporter = world.user(Role.REPORTER, world.school_b1)
    added = services.evidence_add(
        actor=supporter, report=report, title="ภาพจากโรงเรียน", url="https://example.go.th/b1"
    )
    assert added.created_by == supporter
    with pytest.raises(OutOfScopeError):
        services.evidence_add(
            actor=world.user(Role.REPORTER, world.school_a2),
            report=report,
            title="คนนอก",
            url="https://example.go.th/a2",
        )
    assert Evidence.objects.count() == 1


# Contributions -------------------------------------------------------------------------------


def test_co_owners_and_supporters_contribute_to_the_report(world, plan):
    report = f.start(plan)
    supporter = world.user(Role.REPORTER, world.school_b1)
    contribution = services.contribution_add(
        actor=supporter, report=report, unit=world.school_b1, text="จัดห้องสมุดเคลื่อนที่ 3 ครั้ง"
    )
    assert contribution.unit == world.school_b1
    assert AuditEvent.objects.filter(action="monitoring.contribution.created").exists()
    # Not a partner of the project / not writing for the partner unit / empty text.
    with pytest.raises(DomainError, match="ไม่ได้เป็นเจ้าภาพรองหรือผู้สนับสนุน"):
        services.contribution_add(actor=None, report=report, unit=world.school_a2, text="ขอร่วม")
    with pytest.raises(OutOfScopeError):
        services.contribution_add(
            actor=world.user(Role.VIEWER, world.school_b1),
            report=report,
            unit=world.school_b1,
            text="ผู้อ่านส่งไม่ได้",
        )
    with pytest.raises(DomainError, match="กรุณาระบุข้อมูล"):
        services.contribution_add(actor=supporter, report=report, unit=world.school_b1, text=" ")
    contribution.text = "จัดห้องสมุดเคลื่อนที่ 4 ครั้ง"
    services.contribution_update(
        actor=supporter, instance=contribution, expected_version=contribution.version
    )
    assert Contribution.objects.get().text == "จัดห้องสมุดเคลื่อนที่ 4 ครั้ง"


def test_contributions_are_refused_once_the_report_is_approved(world, plan):
    report = approve(f.fill(f.start(plan)))
    with pytest.raises(DomainError, match="ถูกล็อก"):
        services.contribution_add(actor=None, report=report, unit=world.school_b1, text="ช้าไป")
    assert not Contribution.objects.exists()


def test_the_report_content_is_read_in_a_fixed_number_of_queries(
    world, plan, django_assert_num_queries
):
    report = f.start(plan)
    f.result(report, plan.achieved, "45")
    f.problem_with_action(report)
    services.evidence_add(actor=None, report=report, title="ลิงก์", url="https://example.go.th")
    with django_assert_num_queries(19):
        report_content(report)
    for _ in range(3):
        f.problem_with_action(report, due_on=timezone.localdate() + timedelta(days=5))
        services.evidence_add(actor=None, report=report, title="ลิงก์", url="https://example.go.th")
    with django_assert_num_queries(19):
        content = report_content(report)
    assert len(content.problems) == 4
    assert all(len(problem.actions.all()) == 1 for problem in content.problems)
