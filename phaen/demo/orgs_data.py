"""Demo organisations: Nakhon Si Thammarat PEO, its work groups and a sample of the province's
education agencies (FY2561). Names of offices follow the real structure; codes are sample codes
in the official formats, not the official ones, and the list of schools is a small sample.

Each entry: (code, name, short name, kind, affiliation, parent code).
"""

from __future__ import annotations

UnitRow = tuple[str, str, str, str, str, str]

PEO = "PEO80"
PLANNING_GROUP = "PEO80-WG02"
DEVELOPMENT_GROUP = "PEO80-WG03"
DEMO_SCHOOL = "1080210001"

UNITS: list[UnitRow] = [
    ("MOE", "กระทรวงศึกษาธิการ", "ศธ.", "ministry", "ops", ""),
    ("OPS", "สำนักงานปลัดกระทรวงศึกษาธิการ", "สป.", "office", "ops", "MOE"),
    ("REO06", "สำนักงานศึกษาธิการภาค 6", "ศธภ.6", "regional_office", "ops", "OPS"),
    (
        PEO,
        "สำนักงานศึกษาธิการจังหวัดนครศรีธรรมราช",
        "ศธจ.นครศรีธรรมราช",
        "provincial_office",
        "ops",
        "REO06",
    ),
    # Work groups of the PEO (they run the PEO's own budget as projects).
    ("PEO80-WG01", "กลุ่มอำนวยการ", "กลุ่มอำนวยการ", "work_group", "ops", PEO),
    (PLANNING_GROUP, "กลุ่มนโยบายและแผน", "กลุ่มนโยบายและแผน", "work_group", "ops", PEO),
    (DEVELOPMENT_GROUP, "กลุ่มพัฒนาการศึกษา", "กลุ่มพัฒนาการศึกษา", "work_group", "ops", PEO),
    ("PEO80-WG04", "กลุ่มนิเทศ ติดตามและประเมินผล", "กลุ่มนิเทศฯ", "work_group", "ops", PEO),
    ("PEO80-WG05", "กลุ่มบริหารงานบุคคล", "กลุ่มบริหารงานบุคคล", "work_group", "ops", PEO),
    ("PEO80-WG06", "กลุ่มลูกเสือ ยุวกาชาด และกิจการนักเรียน", "กลุ่มลูกเสือฯ", "work_group", "ops", PEO),
    ("PEO80-WG07", "กลุ่มส่งเสริมการศึกษาเอกชน", "กลุ่มส่งเสริมการศึกษาเอกชน", "work_group", "ops", PEO),
    ("PEO80-WG08", "หน่วยตรวจสอบภายใน", "หน่วยตรวจสอบภายใน", "work_group", "ops", PEO),
    # Primary educational service areas and a sample of their schools.
    (
        "80010000",
        "สำนักงานเขตพื้นที่การศึกษาประถมศึกษานครศรีธรรมราช เขต 1",
        "สพป.นศ. เขต 1",
        "primary_service_area",
        "obec",
        PEO,
    ),
    (
        "80020000",
        "สำนักงานเขตพื้นที่การศึกษาประถมศึกษานครศรีธรรมราช เขต 2",
        "สพป.นศ. เขต 2",
        "primary_service_area",
        "obec",
        PEO,
    ),
    (
        "80030000",
        "สำนักงานเขตพื้นที่การศึกษาประถมศึกษานครศรีธรรมราช เขต 3",
        "สพป.นศ. เขต 3",
        "primary_service_area",
        "obec",
        PEO,
    ),
    (
        "80040000",
        "สำนักงานเขตพื้นที่การศึกษาประถมศึกษานครศรีธรรมราช เขต 4",
        "สพป.นศ. เขต 4",
        "primary_service_area",
        "obec",
        PEO,
    ),
    (DEMO_SCHOOL, "โรงเรียนอนุบาลนครศรีธรรมราช", "อ.นศ.", "school", "obec", "80010000"),
    ("1080210002", "โรงเรียนวัดท่าโพธิ์", "", "school", "obec", "80010000"),
    ("1080210003", "โรงเรียนวัดศรีทวี", "", "school", "obec", "80010000"),
    ("1080210004", "โรงเรียนบ้านนาเคียน", "", "school", "obec", "80010000"),
    ("1080220001", "โรงเรียนอนุบาลทุ่งสง", "", "school", "obec", "80020000"),
    ("1080220002", "โรงเรียนบ้านในหวัง", "", "school", "obec", "80020000"),
    ("1080220003", "โรงเรียนวัดชัยชุมพล", "", "school", "obec", "80020000"),
    ("1080230001", "โรงเรียนอนุบาลปากพนัง", "", "school", "obec", "80030000"),
    ("1080230002", "โรงเรียนวัดบางพระ", "", "school", "obec", "80030000"),
    ("1080230003", "โรงเรียนบ้านบางฉิ", "", "school", "obec", "80030000"),
    ("1080240001", "โรงเรียนอนุบาลสิชล", "", "school", "obec", "80040000"),
    ("1080240002", "โรงเรียนบ้านทุ่งใส", "", "school", "obec", "80040000"),
    ("1080240003", "โรงเรียนวัดท่าศาลา", "", "school", "obec", "80040000"),
    # The secondary educational service area (FY2561: area 12, shared with Phatthalung).
    (
        "80120000",
        "สำนักงานเขตพื้นที่การศึกษามัธยมศึกษา เขต 12",
        "สพม. เขต 12",
        "secondary_service_area",
        "obec",
        PEO,
    ),
    ("1080120001", "โรงเรียนกัลยาณีศรีธรรมราช", "", "school", "obec", "80120000"),
    ("1080120002", "โรงเรียนเบญจมราชูทิศ", "", "school", "obec", "80120000"),
    ("1080120003", "โรงเรียนทุ่งสง", "", "school", "obec", "80120000"),
    ("1080120004", "โรงเรียนปากพนัง", "", "school", "obec", "80120000"),
    ("1080120005", "โรงเรียนท่าศาลาประสิทธิ์ศึกษา", "", "school", "obec", "80120000"),
    # Private schools (supervised through the PEO's private education group).
    ("2080100001", "โรงเรียนอัสสัมชัญนครศรีธรรมราช", "", "school", "opec", PEO),
    ("2080100002", "โรงเรียนเทพมิตรศึกษา", "", "school", "opec", PEO),
    ("2080100003", "โรงเรียนศรีธรรมราชศึกษา", "", "school", "opec", PEO),
    # Vocational colleges.
    ("1380100001", "วิทยาลัยเทคนิคนครศรีธรรมราช", "วท.นครศรีธรรมราช", "vocational_college", "ovec", PEO),
    (
        "1380100002",
        "วิทยาลัยอาชีวศึกษานครศรีธรรมราช",
        "วอศ.นครศรีธรรมราช",
        "vocational_college",
        "ovec",
        PEO,
    ),
    (
        "1380100003",
        "วิทยาลัยเกษตรและเทคโนโลยีนครศรีธรรมราช",
        "วษท.นครศรีธรรมราช",
        "vocational_college",
        "ovec",
        PEO,
    ),
    # Non-formal and informal education.
    (
        "NFE80",
        "สำนักงาน กศน.จังหวัดนครศรีธรรมราช",
        "กศน.นครศรีธรรมราช",
        "non_formal_office",
        "dole",
        PEO,
    ),
    ("NFE80-01", "กศน.อำเภอเมืองนครศรีธรรมราช", "", "non_formal_office", "dole", "NFE80"),
    ("NFE80-02", "กศน.อำเภอทุ่งสง", "", "non_formal_office", "dole", "NFE80"),
    ("NFE80-03", "กศน.อำเภอปากพนัง", "", "non_formal_office", "dole", "NFE80"),
    # Universities.
    ("UNI-WU", "มหาวิทยาลัยวลัยลักษณ์", "มวล.", "university", "mhesi", PEO),
    ("UNI-NSTRU", "มหาวิทยาลัยราชภัฏนครศรีธรรมราช", "มรภ.นศ.", "university", "mhesi", PEO),
    ("UNI-NSTRU-DS", "โรงเรียนสาธิตมหาวิทยาลัยราชภัฏนครศรีธรรมราช", "", "school", "mhesi", "UNI-NSTRU"),
    # Local government and their schools.
    (
        "LAO80",
        "องค์การบริหารส่วนจังหวัดนครศรีธรรมราช",
        "อบจ.นครศรีธรรมราช",
        "local_government",
        "dla",
        PEO,
    ),
    ("LAO80-S01", "โรงเรียนองค์การบริหารส่วนจังหวัดนครศรีธรรมราช (ตัวอย่าง)", "", "school", "dla", "LAO80"),
    ("LAO80-MUN", "เทศบาลนครนครศรีธรรมราช", "ทน.นครศรีธรรมราช", "local_government", "dla", PEO),
    ("LAO80-MUN-S01", "โรงเรียนเทศบาลวัดศาลามีชัย", "", "school", "dla", "LAO80-MUN"),
    # Others.
    ("BPP80-01", "โรงเรียนตำรวจตระเวนชายแดน (ตัวอย่าง)", "", "school", "bpp", PEO),
    ("NOB80-01", "โรงเรียนพระปริยัติธรรมวัดพระมหาธาตุ (ตัวอย่าง)", "", "school", "nob", PEO),
    # A neighbouring province, outside the demo accounts' scope.
    (
        "PEO84",
        "สำนักงานศึกษาธิการจังหวัดสุราษฎร์ธานี",
        "ศธจ.สุราษฎร์ธานี",
        "provincial_office",
        "ops",
        "REO06",
    ),
    ("PEO84-WG02", "กลุ่มนโยบายและแผน", "", "work_group", "ops", "PEO84"),
    (
        "84010000",
        "สำนักงานเขตพื้นที่การศึกษาประถมศึกษาสุราษฎร์ธานี เขต 1",
        "สพป.สฎ. เขต 1",
        "primary_service_area",
        "obec",
        "PEO84",
    ),
    ("1084210001", "โรงเรียนอนุบาลสุราษฎร์ธานี", "", "school", "obec", "84010000"),
]

# Provincial offices name their province; every unit below inherits it.
PROVINCES = {PEO: "นครศรีธรรมราช", "PEO84": "สุราษฎร์ธานี"}

# Demo accounts: (username, full name, position, role, unit code, superuser).
ACCOUNTS = [
    ("admin", "ผู้ดูแลระบบ (สาธิต)", "ผู้ดูแลระบบ", "admin", PEO, True),
    (
        "planner",
        "นางสาวศิริพร วางแผนดี",
        "นักวิเคราะห์นโยบายและแผน กลุ่มนโยบายและแผน",
        "planner",
        PEO,
        False,
    ),
    ("director", "นายสมชาย ใจมั่น", "ศึกษาธิการจังหวัดนครศรีธรรมราช", "approver", PEO, False),
    (
        "reporter",
        "นางวันดี รายงานครบ",
        "นักวิชาการศึกษา กลุ่มพัฒนาการศึกษา",
        "reporter",
        DEVELOPMENT_GROUP,
        False,
    ),
    ("school", "นายประเสริฐ ตั้งใจสอน", "ครู โรงเรียนอนุบาลนครศรีธรรมราช", "reporter", DEMO_SCHOOL, False),
    ("viewer", "นางสาวมาลี อ่านทุกแผน", "เจ้าหน้าที่ (ผู้อ่าน)", "viewer", PEO, False),
]

DEMO_PASSWORD = "phaen-demo"  # noqa: S105 - the documented password of the public demo accounts
