"""Responsible persons of the demo projects (fictional names; demo telephone numbers and
addresses under ``demo.phaen.invalid`` that reach nobody)."""

from __future__ import annotations

from phaen.demo.plan_data.specs import Person

# Work groups of the PEO (unit codes of phaen.demo.orgs_data).
ADMIN = "PEO80-WG01"
PLANNING = "PEO80-WG02"
DEVELOPMENT = "PEO80-WG03"
SUPERVISION = "PEO80-WG04"
PERSONNEL = "PEO80-WG05"
SCOUTS = "PEO80-WG06"
PRIVATE = "PEO80-WG07"
AUDIT = "PEO80-WG08"

# Agencies of the province that co-own or support PEO projects.
PEO = "PEO80"
SPP1 = "80010000"
SPP2 = "80020000"
SPP3 = "80030000"
SPP4 = "80040000"
SPM12 = "80120000"
NFE = "NFE80"
VOC_TECH = "1380100001"
NSTRU = "UNI-NSTRU"
LAO = "LAO80"
DEMO_SCHOOL = "1080210001"


def _person(name: str, position: str, extension: str, mailbox: str) -> Person:
    return Person(name, position, f"0 7500 0{extension}", f"{mailbox}@demo.phaen.invalid")


DIRECTOR_ADMIN = _person("นางพรทิพย์ ศรีสุวรรณ", "ผู้อำนวยการกลุ่มอำนวยการ", "101", "admin.peo80")
DIRECTOR_PLANNING = _person("นายวีระพงศ์ ทองคำ", "ผู้อำนวยการกลุ่มนโยบายและแผน", "201", "plan.peo80")
PLANNER = _person("นางสาวศิริพร วางแผนดี", "นักวิเคราะห์นโยบายและแผนชำนาญการ", "202", "planner.peo80")
IT_OFFICER = _person("นายธนากร บุญรักษ์", "นักวิชาการคอมพิวเตอร์ปฏิบัติการ", "203", "ict.peo80")
DIRECTOR_DEVELOPMENT = _person("นางสุภาวดี พรหมแก้ว", "ผู้อำนวยการกลุ่มพัฒนาการศึกษา", "301", "dev.peo80")
EDUCATOR_EARLY = _person("นางวันดี รายงานครบ", "นักวิชาการศึกษาชำนาญการพิเศษ", "302", "early.peo80")
EDUCATOR_EQUITY = _person("นายสมศักดิ์ เพชรรัตน์", "นักวิชาการศึกษาชำนาญการ", "303", "equity.peo80")
SUPERVISOR_HEAD = _person(
    "ดร.อรุณี จันทร์แก้ว", "ศึกษานิเทศก์ชำนาญการพิเศษ หัวหน้ากลุ่มนิเทศ ติดตามและประเมินผล", "401", "sup.peo80"
)
SUPERVISOR = _person("นายชาญวิทย์ นวลศรี", "ศึกษานิเทศก์ชำนาญการ", "402", "stem.peo80")
DIRECTOR_PERSONNEL = _person("นางกาญจนา ณ นคร", "ผู้อำนวยการกลุ่มบริหารงานบุคคล", "501", "hr.peo80")
HR_OFFICER = _person("นายประยุทธ ขุนทอง", "นักทรัพยากรบุคคลชำนาญการ", "502", "hrdev.peo80")
DIRECTOR_SCOUTS = _person(
    "นายสุรชัย แสงอรุณ", "ผู้อำนวยการกลุ่มลูกเสือ ยุวกาชาด และกิจการนักเรียน", "601", "scout.peo80"
)
SAFETY_OFFICER = _person("นางสาวอัมพร ศรีทอง", "นักวิชาการศึกษาชำนาญการ", "602", "safety.peo80")
DIRECTOR_PRIVATE = _person(
    "นายเกรียงไกร รัตนพันธ์", "ผู้อำนวยการกลุ่มส่งเสริมการศึกษาเอกชน", "701", "private.peo80"
)
AUDITOR = _person("นางเยาวลักษณ์ คงแก้ว", "นักวิชาการตรวจสอบภายในชำนาญการ", "801", "audit.peo80")
