"""Spreadsheet export and import of a framework's nodes: the round trip, every row error, the
all-or-nothing apply and the two-step web flow."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from phaen.core.access import Role
from phaen.core.exceptions import DomainError
from phaen.core.models import AuditEvent
from phaen.frameworks.imports import (
    COLUMNS,
    apply_node_import,
    export_xlsx,
    node_rows,
    plan_node_import,
)
from phaen.frameworks.models import Framework, FrameworkNode
from phaen.frameworks.selectors import framework_tree
from phaen.frameworks.services import node_retire
from phaen.frameworks.tests.factories import make_framework, make_node, make_tree

pytestmark = pytest.mark.django_db

HEADER = [label for _key, label in COLUMNS]


def xlsx(rows, header=HEADER):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_bytes(rows, header=HEADER, encoding="utf-8-sig"):
    import csv

    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode(encoding)


def errors_of(plan):
    return [(error.line, error.column, error.message) for error in plan.errors]


def shape(framework):
    """What a framework looks like to a reader: the tree in order, with every column."""
    nodes, rows = framework_tree(framework), node_rows(framework)
    return [(node.depth, *row) for node, row in zip(nodes, rows, strict=True)]


@pytest.fixture
def planner(world):
    return world.user(Role.PLANNER, world.province_a)


@pytest.fixture
def framework(world):
    return make_framework(world.province_a)


@pytest.fixture
def filled(framework, planner):
    """Two strategies with goals, a deeper target, a description and a retired goal."""
    nodes = make_tree(framework)
    make_node(framework, "1.1.1", nodes[1], level_name="ตัวชี้วัด", description="ร้อยละ 80")
    node_retire(actor=planner, node=nodes[5], expected_version=1, reason="รวมกับข้อ 2.1")
    return framework


def plan_file(framework, data, actor, name="nodes.xlsx"):
    return plan_node_import(framework, name, data, actor=actor)


# Export -------------------------------------------------------------------------------------------


def test_the_export_has_the_nodes_in_reading_order_and_the_details(world, filled):
    workbook = load_workbook(io.BytesIO(export_xlsx(filled)))
    nodes, details = workbook.worksheets
    assert (nodes.title, details.title) == ("ข้อในกรอบ", "ข้อมูลกรอบ")
    rows = [[cell or "" for cell in row] for row in nodes.iter_rows(values_only=True)]
    assert rows[0] == HEADER
    assert [row[:2] for row in rows[1:]] == [
        ["1", ""],
        ["1.1", "1"],
        ["1.1.1", "1.1"],
        ["1.2", "1"],
        ["2", ""],
        ["2.1", "2"],
        ["2.2", "2"],
    ]
    assert rows[3][2:5] == ["ตัวชี้วัด", "ข้อ 1.1.1", "ร้อยละ 80"]
    assert rows[7][5:] == ["ใช่", "รวมกับข้อ 2.1"]
    info = dict(details.iter_rows(values_only=True))
    assert info["ชื่อ"] == filled.name
    assert info["ปีที่ครอบคลุม (พ.ศ.)"] == "2561–2565"
    assert info["หน่วยงานเจ้าของกรอบ"] == world.province_a.name
    assert info["สถานะ"] == "ฉบับประกาศใช้"


def test_codes_are_exported_as_text(framework):
    make_node(framework, "4.10")
    workbook = load_workbook(io.BytesIO(export_xlsx(framework)))
    cell = workbook.worksheets[0]["A2"]
    assert (cell.value, cell.number_format) == ("4.10", "@")


# Round trip ---------------------------------------------------------------------------------------


def test_reimporting_an_export_changes_nothing(filled, planner):
    before = shape(filled)
    versions = list(filled.nodes.order_by("pk").values_list("version", flat=True))
    plan = plan_file(filled, export_xlsx(filled), planner)
    assert plan.errors == []
    assert (plan.new_count, plan.update_count, plan.unchanged_count) == (0, 0, 7)
    events = AuditEvent.objects.count()
    assert apply_node_import(plan, actor=planner, reason="นำเข้าซ้ำ") == (0, 0)
    assert shape(filled) == before
    assert list(filled.nodes.order_by("pk").values_list("version", flat=True)) == versions
    assert AuditEvent.objects.count() == events


def test_an_export_imported_into_an_empty_framework_reproduces_it(world, filled, planner):
    copy = make_framework(world.province_a, code="copy-2561")
    plan = plan_file(copy, export_xlsx(filled), planner)
    assert plan.errors == []
    assert (plan.new_count, plan.update_count) == (7, 0)
    assert apply_node_import(plan, actor=planner, reason="คัดลอกกรอบ") == (7, 0)
    assert shape(copy) == shape(filled)
    created = AuditEvent.objects.filter(
        action="frameworks.frameworknode.created", reason="คัดลอกกรอบ"
    )
    assert created.count() == 7
    assert set(created.values_list("actor", flat=True)) == {planner.pk}


def test_a_csv_export_round_trips_too(client, world, filled, planner):
    client.force_login(planner)
    response = client.get(
        reverse("frameworks:framework_export", args=[filled.pk]), {"format": "csv"}
    )
    assert response.status_code == 200
    data = b"".join(response.streaming_content)
    copy = make_framework(world.province_a, code="copy-2561")
    plan = plan_file(copy, data, planner, name="nodes.csv")
    assert plan.errors == []
    apply_node_import(plan, actor=planner, reason="คัดลอกกรอบ")
    assert shape(copy) == shape(filled)


def test_edits_in_the_spreadsheet_are_applied(filled, planner):
    workbook = load_workbook(io.BytesIO(export_xlsx(filled)))
    sheet = workbook.worksheets[0]
    rows = [list(row) for row in sheet.iter_rows(min_row=2, values_only=True)]
    by_code = {row[0]: row for row in rows}
    by_code["1.2"][3] = "เป้าประสงค์ที่แก้ชื่อ"  # a new title
    by_code["1.1.1"][1] = "2"  # moves under strategy 2
    by_code["2.2"][5] = ""  # restored
    by_code["1.1"][5] = "ใช่"  # retired, with the nodes under it staying as they are
    by_code["1.1"][6] = "ไม่ใช้แล้ว"
    # Strategy 2 now lists 2.1 after the new 2.0, which names a parent on a later row.
    new = ["2.0", "2", "เป้าประสงค์", "เป้าประสงค์ใหม่", "", "", ""]
    order = [by_code[code] for code in ("1", "1.1", "1.2", "2", "2.2", "1.1.1")]
    order += [new, by_code["2.1"]]
    plan = plan_file(filled, xlsx(order), planner)
    assert errors_of(plan) == []
    # 1.2, 1.1.1, 2.2, 1.1 and 2.1 (now after the new 2.0) change; strategies 1 and 2 do not.
    assert (plan.new_count, plan.update_count, plan.unchanged_count) == (1, 5, 2)
    assert apply_node_import(plan, actor=planner, reason="ปรับตามประกาศใหม่") == (1, 5)
    assert [
        (depth, code, parent, retired) for depth, code, parent, *_, retired, _why in shape(filled)
    ] == [
        (0, "1", "", ""),
        (1, "1.1", "1", "ใช่"),
        (1, "1.2", "1", ""),
        (0, "2", "", ""),
        (1, "2.2", "2", ""),
        (1, "1.1.1", "2", ""),
        (1, "2.0", "2", ""),
        (1, "2.1", "2", ""),
    ]
    nodes = {node.code: node for node in filled.nodes.all()}
    assert nodes["1.2"].title == "เป้าประสงค์ที่แก้ชื่อ"
    assert nodes["1.1"].retired_reason == "ไม่ใช้แล้ว"
    assert AuditEvent.objects.filter(action="frameworks.frameworknode.moved").count() == 1
    assert AuditEvent.objects.filter(
        action="frameworks.frameworknode.restored", object_id=str(nodes["2.2"].pk)
    ).exists()


def test_parents_may_come_later_in_the_file_or_exist_already(framework, planner):
    make_node(framework, "1")
    plan = plan_file(
        framework,
        xlsx(
            [
                ["1.1.1", "1.1", "", "ตัวชี้วัด", "", "", ""],
                ["1.1", "1", "", "เป้าหมาย", "", "", ""],
            ]
        ),
        planner,
    )
    assert plan.errors == []
    apply_node_import(plan, actor=planner, reason="นำเข้า")
    nodes = {node.code: node for node in framework.nodes.all()}
    assert nodes["1.1.1"].parent == nodes["1.1"]
    assert nodes["1.1"].parent == nodes["1"]
    assert nodes["1.1.1"].path.startswith(nodes["1"].path)
    assert nodes["1.1.1"].depth == 2


def test_columns_in_any_order_with_english_headers_and_only_the_required_ones(framework, planner):
    data = csv_bytes([["ยุทธศาสตร์ที่ 1", "S1"]], header=["Title", "code"])
    plan = plan_file(framework, data, planner, name="x.csv")
    assert plan.errors == []
    apply_node_import(plan, actor=planner, reason="นำเข้า")
    assert framework.nodes.get().title == "ยุทธศาสตร์ที่ 1"


def test_numbers_typed_in_excel_are_read_as_codes(framework, planner):
    plan = plan_file(framework, xlsx([[1, "", "", "ข้อหนึ่ง"], [1.1, 1, "", "ข้อย่อย"]]), planner)
    assert plan.errors == []
    apply_node_import(plan, actor=planner, reason="นำเข้า")
    child = framework.nodes.get(code="1.1")
    assert child.parent.code == "1"


def test_a_tis620_csv_is_read(framework, planner):
    data = csv_bytes([["1", "", "", "ยุทธศาสตร์"]], encoding="cp874")
    plan = plan_file(framework, data, planner, name="x.csv")
    assert plan.errors == []
    assert plan.rows[0].values["title"] == "ยุทธศาสตร์"


# Row errors ---------------------------------------------------------------------------------------


def check_one_error(framework, planner, row, column, message, *, line=3, before=None):
    """A file of a good row then ``row``: one error on ``row``'s line, and nothing written."""
    rows = [*(before or []), ["G1", "", "", "ข้อที่ถูกต้อง", "", "", ""], row]
    count = FrameworkNode.objects.count()
    plan = plan_file(framework, xlsx(rows), planner)
    assert errors_of(plan) == [(line + len(before or []), column, message)]
    with pytest.raises(DomainError) as caught:
        apply_node_import(plan, actor=planner, reason="นำเข้าทดสอบ")
    assert caught.value.message == "ยังมีข้อผิดพลาดในไฟล์ จึงไม่นำเข้าข้อมูลใด ๆ"
    assert FrameworkNode.objects.count() == count


def test_a_missing_title(framework, planner):
    check_one_error(framework, planner, ["E1", "", "", "", "", "", ""], "ชื่อ", "ต้องระบุชื่อ")


def test_a_missing_code(framework, planner):
    check_one_error(framework, planner, ["", "", "", "ชื่อ", "", "", ""], "รหัส", "ต้องระบุรหัส")


def test_a_duplicate_code(framework, planner):
    check_one_error(
        framework, planner, ["G1", "", "", "ซ้ำ", "", "", ""], "รหัส", "รหัส G1 ซ้ำกับแถวที่ 2"
    )


def test_an_unknown_parent(framework, planner):
    check_one_error(
        framework,
        planner,
        ["E1", "NOPE", "", "ชื่อ", "", "", ""],
        "รหัสข้อแม่",
        "ไม่พบข้อแม่รหัส NOPE ในไฟล์หรือในกรอบนี้",
    )


def test_a_parent_in_another_framework_is_unknown(world, framework, planner):
    make_node(make_framework(world.province_a, code="other-2561"), "X1")
    check_one_error(
        framework,
        planner,
        ["E1", "X1", "", "ชื่อ", "", "", ""],
        "รหัสข้อแม่",
        "ไม่พบข้อแม่รหัส X1 ในไฟล์หรือในกรอบนี้",
    )


def test_a_node_as_its_own_parent(framework, planner):
    check_one_error(
        framework,
        planner,
        ["E1", "E1", "", "ชื่อ", "", "", ""],
        "รหัสข้อแม่",
        "ข้อเป็นข้อแม่ของตัวเองไม่ได้",
    )


@pytest.mark.parametrize(
    ("row", "column", "limit"),
    [
        (["C" * 31, "", "", "ชื่อ", "", "", ""], "รหัส", 30),
        (["E1", "", "", "ก" * 501, "", "", ""], "ชื่อ", 500),
        (["E1", "", "ข" * 101, "ชื่อ", "", "", ""], "ชั้นของข้อ", 100),
        (["E1", "", "", "ชื่อ", "", "ใช่", "ค" * 501], "เหตุผลที่ยกเลิก", 500),
    ],
)
def test_too_long_text(framework, planner, row, column, limit):
    check_one_error(framework, planner, row, column, f"ยาวเกิน {limit} ตัวอักษร")


def test_a_bad_retired_value(framework, planner):
    check_one_error(
        framework,
        planner,
        ["E1", "", "", "ชื่อ", "", "อาจจะ", ""],
        "ยกเลิกแล้ว",
        "ค่า “อาจจะ” ไม่ถูกต้อง: ใส่ “ใช่” ถ้ายกเลิกข้อนี้แล้ว หรือเว้นว่างถ้ายังใช้อยู่",
    )


def test_a_node_in_use_under_a_retired_parent(framework, planner):
    check_one_error(
        framework,
        planner,
        ["E1", "R1", "", "ข้อลูก", "", "", ""],
        "ยกเลิกแล้ว",
        "ข้อแม่ R1 ยกเลิกแล้ว ข้อนี้จึงต้องยกเลิกด้วย (ใส่ “ใช่” ในคอลัมน์ยกเลิกแล้ว)",
        before=[["R1", "", "", "ข้อแม่ที่ยกเลิก", "", "ใช่", ""]],
    )


def test_a_node_in_use_under_an_existing_retired_parent(framework, planner):
    parent = make_node(framework, "R1")
    node_retire(actor=planner, node=parent, expected_version=1, reason="ยกเลิก")
    data = csv_bytes([["E1", "R1", "ข้อลูก"]], header=["รหัส", "รหัสข้อแม่", "ชื่อ"])
    plan = plan_file(framework, data, planner, name="x.csv")
    assert errors_of(plan) == [
        (
            2,
            "รหัสข้อแม่",
            "ข้อแม่ R1 ยกเลิกแล้ว ข้อนี้จึงต้องยกเลิกด้วย (ใส่ “ใช่” ในคอลัมน์ยกเลิกแล้ว)",
        )
    ]


def test_a_cycle_within_the_file(framework, planner):
    rows = [
        ["C1", "C2", "", "หนึ่ง", "", "", ""],
        ["C2", "C3", "", "สอง", "", "", ""],
        ["C3", "C1", "", "สาม", "", "", ""],
    ]
    plan = plan_file(framework, xlsx(rows), planner)
    assert errors_of(plan) == [(line, "รหัสข้อแม่", "รหัสข้อแม่วนกลับมาที่ตัวเอง") for line in (2, 3, 4)]
    with pytest.raises(DomainError):
        apply_node_import(plan, actor=planner, reason="นำเข้าทดสอบ")
    assert not framework.nodes.exists()


def test_moving_an_existing_node_under_its_own_descendant(framework, planner):
    _one, one_one, *_ = make_tree(framework)
    make_node(framework, "1.1.1", one_one)
    check_one_error(
        framework,
        planner,
        ["1", "1.1.1", "", "ยุทธศาสตร์ 1", "", "", ""],
        "รหัสข้อแม่",
        "ย้ายข้อไปอยู่ใต้ข้อย่อยของตัวเองไม่ได้",
    )


def test_every_row_error_is_reported_at_once(framework, planner):
    rows = [["", "", "เป้าหมาย", "", "", "", "", "ไม่ถูกอ่าน"], ["E2", "NOPE", "", "", "", "บางที", ""]]
    plan = plan_file(framework, xlsx(rows, header=[*HEADER, "หมายเหตุ"]), planner)
    assert errors_of(plan) == [
        (2, "รหัส", "ต้องระบุรหัส"),
        (2, "ชื่อ", "ต้องระบุชื่อ"),
        (3, "ชื่อ", "ต้องระบุชื่อ"),
        (3, "รหัสข้อแม่", "ไม่พบข้อแม่รหัส NOPE ในไฟล์หรือในกรอบนี้"),
        (3, "ยกเลิกแล้ว", "ค่า “บางที” ไม่ถูกต้อง: ใส่ “ใช่” ถ้ายกเลิกข้อนี้แล้ว หรือเว้นว่างถ้ายังใช้อยู่"),
    ]


def test_missing_columns_are_reported_on_the_header_line(framework, planner):
    plan = plan_file(framework, xlsx([["ชื่อ"]], header=["รายละเอียด"]), planner)
    assert errors_of(plan) == [
        (1, "รหัส", "ไม่พบคอลัมน์ “รหัส”"),
        (1, "ชื่อ", "ไม่พบคอลัมน์ “ชื่อ”"),
    ]


def test_an_empty_file(framework, planner):
    assert errors_of(plan_file(framework, b"", planner, name="x.csv")) == [
        (1, "", "ไฟล์ว่าง หรือไม่มีแถวหัวตาราง")
    ]


def test_a_file_that_is_not_excel(framework, planner):
    assert errors_of(plan_file(framework, b"not a workbook", planner)) == [
        (1, "", "อ่านไฟล์ไม่ได้ กรุณาบันทึกเป็น Excel (.xlsx) หรือ CSV แล้วลองใหม่")
    ]


def test_too_many_rows(framework, planner, monkeypatch):
    monkeypatch.setattr("phaen.frameworks.imports.MAX_ROWS", 2)
    rows = [[f"R{index}", "", "", "ชื่อ"] for index in range(3)]
    assert errors_of(plan_file(framework, xlsx(rows), planner)) == [(4, "", "ไฟล์มีเกิน 2 แถว")]


def test_only_someone_who_may_change_the_framework_may_import(world, framework):
    reader = world.user(Role.PLANNER, world.school_a2)  # sees the PEO's framework from below
    plan = plan_file(framework, xlsx([["1", "", "", "ชื่อ"]]), reader)
    assert errors_of(plan) == [(1, "", f"คุณไม่มีสิทธิ์แก้ไขกรอบ “{framework.name}”")]


# The web flow -------------------------------------------------------------------------------------


def upload(client, framework, data, name="nodes.xlsx"):
    url = reverse("frameworks:framework_import", args=[framework.pk])
    return client.post(url, {"file": SimpleUploadedFile(name, data)})


def test_upload_preview_then_confirm(client, framework, planner):
    client.force_login(planner)
    url = reverse("frameworks:framework_import", args=[framework.pk])
    assert client.get(url).status_code == 200
    data = xlsx([["1", "", "ยุทธศาสตร์", "พัฒนาคุณภาพผู้เรียน"], ["1.1", "1", "", "ผู้เรียนอ่านออก"]])
    preview = upload(client, framework, data, name="แผนจังหวัด.xlsx")
    assert preview.status_code == 200
    page = preview.content.decode()
    assert "ผลการตรวจไฟล์ แผนจังหวัด.xlsx" in page
    assert "จะเพิ่มข้อใหม่ 2 ข้อ แก้ไข 0 ข้อ และไม่เปลี่ยนแปลง 0 ข้อ" in page
    assert not framework.nodes.exists()
    confirmed = client.post(url, {"payload": preview.context["payload"]})
    assert confirmed.status_code == 302
    assert confirmed["Location"] == framework.get_absolute_url()
    assert framework.nodes.count() == 2
    event = AuditEvent.objects.filter(action="frameworks.frameworknode.created").first()
    assert event.reason == "นำเข้าจากไฟล์ แผนจังหวัด.xlsx"
    assert "นำเข้าแล้ว: เพิ่ม 2 ข้อ แก้ไข 0 ข้อ" in client.get(confirmed["Location"]).content.decode()


def test_upload_with_errors_offers_no_confirmation(client, framework, planner):
    client.force_login(planner)
    response = upload(client, framework, xlsx([["1", "NOPE", "", ""]]))
    page = response.content.decode()
    assert "พบข้อผิดพลาด 2 รายการ" in page
    assert "ไม่พบข้อแม่รหัส NOPE" in page
    assert 'name="payload"' not in page


def test_a_payload_is_bound_to_its_framework(client, world, framework, planner):
    client.force_login(planner)
    preview = upload(client, framework, xlsx([["1", "", "", "ข้อหนึ่ง"]]))
    other = make_framework(world.province_a, code="other-2561")
    url = reverse("frameworks:framework_import", args=[other.pk])
    response = client.post(url, {"payload": preview.context["payload"]})
    assert response.status_code == 302
    assert response["Location"] == url
    assert not framework.nodes.exists()
    assert not other.nodes.exists()


@pytest.mark.parametrize("name", ["nodes.xls", "nodes.txt"])
def test_only_xlsx_and_csv_files(client, framework, planner, name):
    client.force_login(planner)
    response = upload(client, framework, b"x", name=name)
    assert "รองรับเฉพาะไฟล์ Excel (.xlsx) หรือ CSV (.csv)" in response.content.decode()
    assert "plan" not in response.context


def test_an_oversized_file(client, framework, planner):
    client.force_login(planner)
    response = upload(client, framework, b"x" * (1024 * 1024 + 1), name="x.csv")
    assert "ไฟล์ใหญ่เกิน 1 MB" in response.content.decode()


def test_the_import_page_needs_the_right_to_change(client, world, framework):
    url = reverse("frameworks:framework_import", args=[framework.pk])
    client.force_login(world.user(Role.VIEWER, world.school_a2))
    assert client.get(url).status_code == 403
    client.force_login(world.user(Role.PLANNER, world.province_b))
    assert client.get(url).status_code == 404
    client.force_login(world.user(Role.PLANNER, world.province_a))
    national = Framework.objects.get(code="sdg-4")
    assert client.get(reverse("frameworks:framework_import", args=[national.pk])).status_code == 403


def test_anyone_may_export_a_national_framework(client):
    national = Framework.objects.get(code="sdg-4")
    response = client.get(reverse("frameworks:framework_export", args=[national.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="framework-sdg-4-')
    workbook = load_workbook(io.BytesIO(response.content))
    codes = [row[0] for row in workbook.worksheets[0].iter_rows(min_row=2, values_only=True)]
    assert codes == ["4", "4.1", "4.2", "4.3", "4.4", "4.5", "4.6", "4.7", "4.a", "4.b", "4.c"]


def test_an_export_outside_the_scope_is_404(client, world):
    framework = make_framework(world.province_b)
    client.force_login(world.user(Role.PLANNER, world.province_a))
    url = reverse("frameworks:framework_export", args=[framework.pk])
    assert client.get(url).status_code == 404


def test_new_nodes_follow_the_ones_already_there(framework, planner):
    """A file of a few new nodes keeps the order of those already there."""
    make_node(framework, "1")
    make_node(framework, "2")
    plan = plan_file(framework, xlsx([["3", "", "", "ข้อสาม"], ["0", "", "", "ข้อศูนย์"]]), planner)
    assert (plan.new_count, plan.update_count) == (2, 0)
    apply_node_import(plan, actor=planner, reason="เพิ่มข้อ")
    assert [node.code for node in framework_tree(framework)] == ["1", "2", "3", "0"]


def test_a_file_with_every_sibling_reorders_them(filled, planner):
    rows = node_rows(filled)  # 1, 1.1, 1.1.1, 1.2, 2, 2.1, 2.2
    rows = [rows[4], rows[5], rows[6], rows[0], rows[3], rows[1], rows[2]]
    plan = plan_file(filled, xlsx(rows), planner)
    assert plan.errors == []
    apply_node_import(plan, actor=planner, reason="เรียงใหม่")
    assert [node.code for node in framework_tree(filled)] == [
        "2",
        "2.1",
        "2.2",
        "1",
        "1.2",
        "1.1",
        "1.1.1",
    ]
