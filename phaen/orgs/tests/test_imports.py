"""CSV import of org units: the checks, the all-or-nothing apply, and the two-step web flow."""

import base64

import pytest
from django.core import signing
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from phaen.core.access import Role
from phaen.core.exceptions import DomainError
from phaen.core.models import AuditEvent
from phaen.orgs.imports import TEMPLATE_HEADERS, apply_import, decode, plan_import
from phaen.orgs.models import OrgUnit, child_path

pytestmark = pytest.mark.django_db

THAI_HEADER = "รหัสหน่วยงาน,ชื่อหน่วยงาน,ชื่อย่อ,ประเภท,สังกัด,รหัสหน่วยงานต้นสังกัด,จังหวัด,ที่อยู่,โทรศัพท์,อีเมล"
IMPORT = reverse("orgs:orgunit_import")


def csv_text(*rows, header=THAI_HEADER):
    return "\n".join([header, *rows]) + "\n"


def errors_of(plan):
    return [(error.line, error.column, error.message) for error in plan.errors]


@pytest.fixture
def planner(world):
    return world.user(Role.PLANNER, world.province_a)


# A valid file -------------------------------------------------------------------------------------


def test_a_valid_thai_file_creates_units_parents_first(world, planner):
    code_a = world.province_a.code
    text = csv_text(
        # The school comes before its service area, which comes before... nothing: A exists.
        "1080210099,โรงเรียนบ้านทดสอบ,รร.บ้านทดสอบ,โรงเรียน,สพฐ.,SA01,นครศรีธรรมราช,,075-000000,school@example.go.th",
        f"SA01,สำนักงานเขตพื้นที่การศึกษาประถมศึกษาทดสอบ,สพป.ทดสอบ,primary_service_area,obec,{code_a},,,,",
        "1080210100,โรงเรียนวัดทดสอบ,,school,สำนักงานคณะกรรมการการศึกษาขั้นพื้นฐาน (สพฐ.),SA01,,,,",
    )
    plan = plan_import(text, actor=planner)
    assert plan.errors == []
    assert (plan.new_count, plan.update_count) == (3, 0)
    assert apply_import(plan, actor=planner, reason="นำเข้าจากไฟล์ทดสอบ") == (3, 0)

    area = OrgUnit.objects.get(code="SA01")
    school = OrgUnit.objects.get(code="1080210099")
    other = OrgUnit.objects.get(code="1080210100")
    assert area.parent == world.province_a
    assert (area.kind, area.affiliation, area.short_name) == (
        "primary_service_area",
        "obec",
        "สพป.ทดสอบ",
    )
    assert school.parent == area
    assert school.path == child_path(area.path, school.pk)
    assert (school.depth, school.province, school.phone, school.email) == (
        4,
        "นครศรีธรรมราช",
        "075-000000",
        "school@example.go.th",
    )
    assert other.affiliation == "obec"
    # Parents were written before their children.
    assert area.pk < school.pk
    events = AuditEvent.objects.filter(action="orgs.orgunit.created", reason="นำเข้าจากไฟล์ทดสอบ")
    assert events.count() == 3
    assert set(events.values_list("actor", flat=True)) == {planner.pk}


def test_english_headers_in_any_order_and_case(world, planner):
    text = csv_text(
        f"New School,school,obec,{world.group_a1.code},E01",
        header="Name,Kind,Affiliation,PARENT_CODE,code",
    )
    plan = plan_import(text, actor=planner)
    assert plan.errors == []
    apply_import(plan, actor=planner, reason="นำเข้าทดสอบ")
    unit = OrgUnit.objects.get(code="E01")
    assert (unit.name, unit.kind, unit.affiliation, unit.parent) == (
        "New School",
        "school",
        "obec",
        world.group_a1,
    )


def test_an_existing_code_updates_and_moves_the_unit(world, planner):
    school = world.school_a2
    text = csv_text(
        f"{school.code},โรงเรียน ก2 (ชื่อใหม่),,โรงเรียน,สพฐ,{world.group_a1.code},,,075-222222,"
    )
    plan = plan_import(text, actor=planner)
    assert plan.errors == []
    assert (plan.new_count, plan.update_count) == (0, 1)
    assert apply_import(plan, actor=planner, reason="ปรับโครงสร้าง") == (0, 1)
    school.refresh_from_db()
    assert (school.name, school.phone, school.parent) == (
        "โรงเรียน ก2 (ชื่อใหม่)",
        "075-222222",
        world.group_a1,
    )
    assert school.path == child_path(world.group_a1.path, school.pk)
    assert school.version == 2
    assert AuditEvent.objects.filter(action="orgs.orgunit.moved", reason="ปรับโครงสร้าง").count() == 1


def test_an_existing_unit_may_move_under_a_unit_of_the_same_file(world, planner):
    school = world.school_a2
    text = csv_text(
        f"{school.code},{school.name},,school,obec,NEW01,,,,",
        f"NEW01,กลุ่มโรงเรียนใหม่,,other,ops,{world.province_a.code},,,,",
    )
    plan = plan_import(text, actor=planner)
    assert plan.errors == []
    apply_import(plan, actor=planner, reason="นำเข้าทดสอบ")
    school.refresh_from_db()
    assert school.parent.code == "NEW01"


def test_a_superuser_may_import_a_root(world):
    plan = plan_import(csv_text("ROOT2,กระทรวงที่สอง,,ministry,ops,,,,,"), actor=world.superuser())
    assert plan.errors == []
    apply_import(plan, actor=world.superuser(), reason="นำเข้าทดสอบ")
    assert OrgUnit.objects.get(code="ROOT2").depth == 0


def test_blank_rows_are_skipped(world, planner):
    text = csv_text(",,,,,,,,,", f"B01,หน่วย,,school,obec,{world.province_a.code},,,,", ",,,,,,,,,")
    plan = plan_import(text, actor=planner)
    assert plan.errors == []
    assert len(plan.rows) == 1


def test_a_tis620_file_is_read():
    text = csv_text("T01,โรงเรียนภาษาไทย,,โรงเรียน,สพฐ.,X,,,,")
    data = text.encode("cp874")
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    assert decode(data) == text


def test_a_utf8_file_with_a_bom_is_read():
    text = csv_text("T01,โรงเรียน,,school,obec,X,,,,")
    assert decode(("\ufeff" + text).encode("utf-8")) == text


# Row-level errors ---------------------------------------------------------------------------------


def check_one_error(world, planner, row, column, message, *, line=3):
    """A file of a good row then ``row``: one error on ``row``'s line, and nothing written."""
    good = f"G01,หน่วยงานที่ถูกต้อง,,school,obec,{world.province_a.code},,,,"
    text = csv_text(good, row)
    count = OrgUnit.objects.count()
    plan = plan_import(text, actor=planner)
    assert errors_of(plan) == [(line, column, message)]
    with pytest.raises(DomainError) as caught:
        apply_import(plan, actor=planner, reason="นำเข้าทดสอบ")
    assert caught.value.message == "ยังมีข้อผิดพลาดในไฟล์ จึงไม่นำเข้าข้อมูลใด ๆ"
    assert OrgUnit.objects.count() == count


def test_a_missing_name(world, planner):
    row = f"E01,,,school,obec,{world.province_a.code},,,,"
    check_one_error(world, planner, row, "name", "ต้องระบุชื่อหน่วยงาน")


def test_a_missing_code(world, planner):
    row = f",ชื่อ,,school,obec,{world.province_a.code},,,,"
    check_one_error(world, planner, row, "code", "ต้องระบุรหัสหน่วยงาน")


def test_an_unknown_kind(world, planner):
    row = f"E01,ชื่อ,,ปราสาท,obec,{world.province_a.code},,,,"
    check_one_error(world, planner, row, "kind", "ไม่รู้จักประเภท “ปราสาท”")


def test_an_unknown_affiliation(world, planner):
    row = f"E01,ชื่อ,,school,กรมที่ไม่มีจริง,{world.province_a.code},,,,"
    check_one_error(world, planner, row, "affiliation", "ไม่รู้จักสังกัด “กรมที่ไม่มีจริง”")


def test_a_duplicate_code_in_the_file(world, planner):
    row = f"G01,ซ้ำ,,school,obec,{world.province_a.code},,,,"
    check_one_error(world, planner, row, "code", "รหัส G01 ซ้ำกับแถวที่ 2")


def test_an_unknown_parent_code(world, planner):
    check_one_error(
        world, planner, "E01,ชื่อ,,school,obec,NOPE,,,,", "parent_code", "ไม่พบหน่วยงานต้นสังกัดรหัส NOPE"
    )


def test_a_missing_parent_code_for_a_non_superuser(world, planner):
    check_one_error(
        world, planner, "E01,ชื่อ,,school,obec,,,,,", "parent_code", "ต้องระบุรหัสหน่วยงานต้นสังกัด"
    )


def test_a_parent_out_of_scope(world, planner):
    row = f"E01,ชื่อ,,school,obec,{world.province_b.code},,,,"
    check_one_error(world, planner, row, "parent_code", "ไม่มีสิทธิ์เพิ่มหน่วยงานใต้ “ศธจ.ข”")


def test_an_existing_unit_out_of_scope(world, planner):
    row = f"{world.school_b1.code},ชื่อ,,school,obec,{world.province_a.code},,,,"
    check_one_error(world, planner, row, "code", f"ไม่มีสิทธิ์แก้ไขหน่วยงานรหัส {world.school_b1.code}")


def test_an_inactive_parent(world, planner):
    OrgUnit.objects.filter(pk=world.group_a1.pk).update(is_active=False)
    row = f"E01,ชื่อ,,school,obec,{world.group_a1.code},,,,"
    check_one_error(
        world, planner, row, "parent_code", "หน่วยงานต้นสังกัด “กลุ่มนโยบายและแผน ก” ปิดการใช้งานแล้ว"
    )


def test_a_unit_as_its_own_parent(world, planner):
    check_one_error(
        world, planner, "E01,ชื่อ,,school,obec,E01,,,,", "parent_code", "หน่วยงานเป็นต้นสังกัดของตัวเองไม่ได้"
    )


def test_a_bad_email(world, planner):
    row = f"E01,ชื่อ,,school,obec,{world.province_a.code},,,,not-an-email"
    check_one_error(world, planner, row, "email", "อีเมลไม่ถูกต้อง")


def test_a_too_long_code(world, planner):
    row = f"{'9' * 21},ชื่อ,,school,obec,{world.province_a.code},,,,"
    check_one_error(world, planner, row, "code", "ยาวเกิน 20 ตัวอักษร")


def test_moving_an_existing_unit_under_its_own_descendant(world, planner):
    province = world.province_a
    row = f"{province.code},{province.name},,provincial_office,ops,{world.school_a2.code},,,,"
    check_one_error(world, planner, row, "parent_code", "ย้ายหน่วยงานไปอยู่ใต้หน่วยงานย่อยของตัวเองไม่ได้")


def test_a_cycle_within_the_file(world, planner):
    text = csv_text(
        "C01,หน่วยหนึ่ง,,other,ops,C02,,,,",
        "C02,หน่วยสอง,,other,ops,C03,,,,",
        "C03,หน่วยสาม,,other,ops,C01,,,,",
    )
    plan = plan_import(text, actor=planner)
    assert errors_of(plan) == [
        (line, "parent_code", "รหัสต้นสังกัดวนกลับมาที่ตัวเอง") for line in (2, 3, 4)
    ]
    with pytest.raises(DomainError):
        apply_import(plan, actor=planner, reason="นำเข้าทดสอบ")
    assert not OrgUnit.objects.filter(code__startswith="C0").exists()


def test_every_row_error_is_reported_at_once(world, planner):
    text = csv_text(
        f"E01,,,ปราสาท,obec,{world.province_a.code},,,,",
        "E02,ชื่อ,,school,xyz,NOPE,,,,bad",
    )
    plan = plan_import(text, actor=planner)
    assert errors_of(plan) == [
        (2, "name", "ต้องระบุชื่อหน่วยงาน"),
        (2, "kind", "ไม่รู้จักประเภท “ปราสาท”"),
        (3, "affiliation", "ไม่รู้จักสังกัด “xyz”"),
        (3, "email", "อีเมลไม่ถูกต้อง"),
        (3, "parent_code", "ไม่พบหน่วยงานต้นสังกัดรหัส NOPE"),
    ]


def test_line_numbers_count_blank_lines_and_multi_line_cells(world, planner):
    """Line numbers are the rows a user sees in Excel: blank lines and cells on two lines count
    as they show there."""
    code_a = world.province_a.code
    text = csv_text(
        f'G01,หน่วยงานแรก,,school,obec,{code_a},,"99 หมู่ 1\nตำบลท่าวัง",,',
        "",
        f"E01,,,school,obec,{code_a},,,,",
    )
    plan = plan_import(text, actor=planner)
    assert errors_of(plan) == [(4, "name", "ต้องระบุชื่อหน่วยงาน")]


def test_missing_columns_are_reported_on_the_header_line(planner):
    plan = plan_import("รหัสหน่วยงาน,ชื่อหน่วยงาน\nX,Y\n", actor=planner)
    assert {error.column for error in plan.errors} == {"kind", "affiliation", "parent_code"}
    assert {error.line for error in plan.errors} == {1}
    assert plan.rows == []


def test_an_empty_file(planner):
    plan = plan_import("", actor=planner)
    assert errors_of(plan) == [(1, "", "ไฟล์ว่าง หรือไม่มีแถวหัวตาราง")]


# The web flow -------------------------------------------------------------------------------------


def upload(client, text, name="units.csv", encoding="utf-8"):
    data = SimpleUploadedFile(name, text.encode(encoding), content_type="text/csv")
    return client.post(IMPORT, {"file": data})


def test_upload_preview_then_confirm(client, world, planner):
    client.force_login(planner)
    assert client.get(IMPORT).status_code == 200
    text = csv_text(f"W01,โรงเรียนจากเว็บ,,school,obec,{world.school_a2.code},,,,")
    preview = upload(client, text, name="หน่วยงาน.csv")
    assert preview.status_code == 200
    page = preview.content.decode()
    assert "ผลการตรวจไฟล์ หน่วยงาน.csv" in page
    assert "จะเพิ่มหน่วยงานใหม่ 1 หน่วยงาน และแก้ไข 0 หน่วยงาน" in page
    assert not OrgUnit.objects.filter(code="W01").exists()  # nothing written yet

    payload = preview.context["payload"]
    confirmed = client.post(IMPORT, {"payload": payload})
    assert confirmed.status_code == 302
    assert confirmed["Location"] == reverse("orgs:orgunit_list")
    unit = OrgUnit.objects.get(code="W01")
    assert unit.parent == world.school_a2
    event = AuditEvent.objects.get(action="orgs.orgunit.created", object_id=str(unit.pk))
    assert event.reason == "นำเข้าจากไฟล์ หน่วยงาน.csv"
    listing = client.get(confirmed["Location"]).content.decode()
    assert "นำเข้าแล้ว: เพิ่ม 1 หน่วยงาน แก้ไข 0 หน่วยงาน" in listing


def test_upload_of_a_cp874_file(client, world, planner):
    client.force_login(planner)
    text = csv_text(f"W02,โรงเรียนไฟล์ไทย,,โรงเรียน,สพฐ.,{world.school_a2.code},,,,")
    preview = upload(client, text, encoding="cp874")
    assert "payload" in preview.context
    client.post(IMPORT, {"payload": preview.context["payload"]})
    assert OrgUnit.objects.get(code="W02").name == "โรงเรียนไฟล์ไทย"


def test_upload_with_errors_shows_them_and_offers_no_confirmation(client, world, planner):
    client.force_login(planner)
    response = upload(client, csv_text(f"W01,,,school,obec,{world.province_b.code},,,,"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "พบข้อผิดพลาด 2 รายการ" in page
    assert "ต้องระบุชื่อหน่วยงาน" in page
    assert "ไม่มีสิทธิ์เพิ่มหน่วยงานใต้ “ศธจ.ข”" in page
    assert 'name="payload"' not in page


def test_a_tampered_payload_is_refused(client, world, planner):
    client.force_login(planner)
    preview = upload(client, csv_text(f"W01,โรงเรียน,,school,obec,{world.school_a2.code},,,,"))
    payload = preview.context["payload"]
    forged_text = csv_text(f"W09,ของปลอม,,school,obec,{world.province_b.code},,,,")
    forged = signing.dumps(
        {"name": "x.csv", "data": base64.b64encode(forged_text.encode()).decode()},
        salt="not-the-import-salt",
        compress=True,
    )
    for bad in (payload[:-2] + "xx", forged, "junk"):
        response = client.post(IMPORT, {"payload": bad})
        assert response.status_code == 302
        assert response["Location"] == IMPORT
    assert not OrgUnit.objects.filter(code__in=["W01", "W09"]).exists()
    page = client.get(IMPORT).content.decode()
    assert "ข้อมูลยืนยันการนำเข้าหมดอายุหรือไม่ถูกต้อง กรุณาอัปโหลดใหม่" in page


def test_a_confirmed_payload_is_checked_again(client, world, planner):
    """Scope is checked at confirmation too: rights may change between preview and confirm."""
    client.force_login(planner)
    preview = upload(client, csv_text(f"W01,โรงเรียน,,school,obec,{world.school_a2.code},,,,"))
    OrgUnit.objects.filter(pk=world.school_a2.pk).update(is_active=False)
    response = client.post(IMPORT, {"payload": preview.context["payload"]})
    assert response.status_code == 200
    assert "ปิดการใช้งานแล้ว" in response.content.decode()
    assert not OrgUnit.objects.filter(code="W01").exists()


@pytest.mark.parametrize(
    ("name", "message"),
    [("units.xlsx", "รองรับเฉพาะไฟล์ .csv"), ("units.txt", "รองรับเฉพาะไฟล์ .csv")],
)
def test_only_csv_files_are_accepted(client, planner, name, message):
    client.force_login(planner)
    response = upload(client, "x", name=name)
    assert message in response.content.decode()
    assert "plan" not in response.context


def test_an_oversized_file_is_refused(client, planner):
    client.force_login(planner)
    response = upload(client, "x" * (5 * 1024 * 1024 + 1))
    assert "ไฟล์ใหญ่เกิน 5 MB" in response.content.decode()


@pytest.mark.parametrize("role", [Role.VIEWER, Role.REPORTER, Role.APPROVER])
def test_users_without_an_adding_role_get_403(client, world, role):
    client.force_login(world.user(role, world.province_a))
    assert client.get(IMPORT).status_code == 403
    text = csv_text(f"W01,โรงเรียน,,school,obec,{world.school_a2.code},,,,")
    assert upload(client, text).status_code == 403
    assert not OrgUnit.objects.filter(code="W01").exists()


def test_users_without_any_role_get_403(client, world):
    client.force_login(world.nobody())
    assert client.get(IMPORT).status_code == 403


def test_the_template_file_has_the_thai_headers(client, planner):
    client.force_login(planner)
    response = client.get(reverse("orgs:orgunit_import_template"))
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    assert text.splitlines()[0] == ",".join(TEMPLATE_HEADERS)
    # The template's own example row passes the header check.
    assert plan_import(text, actor=None).rows[0].code == "1080210001"


def test_line_numbers_after_blank_lines_above_the_header(world, planner):
    text = "\n" + csv_text(f"E01,,,school,obec,{world.province_a.code},,,,")
    plan = plan_import(text, actor=planner)
    assert errors_of(plan) == [(3, "name", "ต้องระบุชื่อหน่วยงาน")]


def test_too_many_rows_are_refused(world, planner, monkeypatch):
    monkeypatch.setattr("phaen.orgs.imports.MAX_ROWS", 2)
    code_a = world.province_a.code
    rows = [f"M0{index},หน่วย {index},,school,obec,{code_a},,,," for index in range(3)]
    plan = plan_import(csv_text(*rows), actor=planner)
    assert errors_of(plan) == [(4, "", "ไฟล์มีเกิน 2 แถว")]


def test_codes_of_kinds_and_affiliations_are_read_in_any_case(world, planner):
    text = (
        "รหัสหน่วยงาน,ชื่อหน่วยงาน,ประเภท,สังกัด,รหัสหน่วยงานต้นสังกัด\n"
        f"CASE01,โรงเรียนตัวพิมพ์ใหญ่,SCHOOL,OBEC,{world.province_a.code}\n"
    )
    plan = plan_import(text, actor=planner)
    assert plan.errors == []
    assert plan.rows[0].values["kind"] == "school"
    assert plan.rows[0].values["affiliation"] == "obec"
