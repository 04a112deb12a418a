"""The FY2561 quarterly reports that differ from the ordinary one (approved, sent on time, on
schedule): late, returned, waiting, draft and missing reports, problems and corrective actions,
indicator results and evidence."""

from __future__ import annotations

from phaen.demo.monitoring_data.specs import (
    DRAFT,
    MISSING,
    RETURNED,
    SUBMITTED,
    EvidenceSpec,
    FollowUp,
    ProblemSpec,
    ReportSpec,
    ResultSpec,
)

SCOUTS = "ศธจ.นศ.61-01"
SAFETY = "ศธจ.นศ.61-02"
EARLY_CHILDHOOD = "ศธจ.นศ.61-05"
READING = "ศธจ.นศ.61-06"
SUPERVISION = "ศธจ.นศ.61-07"
DUAL_VOCATIONAL = "ศธจ.นศ.61-09"
PRIVATE_SCHOOLS = "ศธจ.นศ.61-10"
DROPOUTS = "ศธจ.นศ.61-11"
DISADVANTAGED = "ศธจ.นศ.61-12"
TEACHERS = "ศธจ.นศ.61-13"
TEACHERS_DAY = "ศธจ.นศ.61-15"
PLANNING = "ศธจ.นศ.61-17"
MONITORING = "ศธจ.นศ.61-18"
INFORMATION = "ศธจ.นศ.61-19"
AUDIT = "ศธจ.นศ.61-21"
AGENCY_READING = "สพป.นศ.1-61-02"
SCHOOL_ENGLISH = "อ.นศ.61-02"
SCHOOL_EARLY = "อ.นศ.61-03"

REPORTS: tuple[ReportSpec, ...] = (
    # Quarter 1 (October–December 2560, due 15 January 2561) -------------------------------
    ReportSpec(
        READING,
        "Q1",
        summary=(
            "ประชุมชี้แจงแนวทางการส่งเสริมการอ่านแก่ผู้บริหารและครูทุกสังกัด 2 รุ่น "
            "และอบรมครูภาษาไทยชั้น ป.1–3 รุ่นที่ 1 แล้วเสร็จ"
        ),
        outputs="ครูภาษาไทยผ่านการอบรมการสอนแบบแจกลูกสะกดคำ 126 คน",
        results=(ResultSpec(1, "126", "ครูผ่านการอบรมรุ่นที่ 1 ครบตามแผนและเกินเป้าหมาย"),),
        evidence=(
            EvidenceSpec("รายชื่อครูที่ผ่านการอบรม รุ่นที่ 1", "xlsx", on_result=True),
            EvidenceSpec("ภาพกิจกรรมการประชุมชี้แจง", "png"),
        ),
    ),
    ReportSpec(
        INFORMATION,
        "Q1",
        submitted="2561-01-23",
        summary="จัดเก็บข้อมูลนักเรียนรายบุคคลจากหน่วยงานทางการศึกษาได้ร้อยละ 40 ของหน่วยงานทั้งหมด",
        comment="ส่งล่าช้ากว่ากำหนด ขอให้ไตรมาสต่อไปส่งตามกำหนด",
    ),
    ReportSpec(PRIVATE_SCHOOLS, "Q1", state=MISSING),
    ReportSpec(
        SCHOOL_ENGLISH,
        "Q1",
        summary="จ้างครูเจ้าของภาษาสอนเสริมชั้น ป.4–6 ตั้งแต่เดือนพฤศจิกายน 2560",
        evidence=(EvidenceSpec("สัญญาจ้างครูเจ้าของภาษา (สำเนา)", "pdf"),),
    ),
    # Quarter 2 (January–March 2561, due 15 April 2561) -------------------------------------
    # ศธจ.นศ.61-06 has no Q2 report: the reporter of กลุ่มพัฒนาการศึกษา writes it in the demo.
    ReportSpec(READING, "Q2", state=MISSING),
    ReportSpec(
        SCOUTS,
        "Q2",
        summary="จัดค่ายพักแรมลูกเสือ เนตรนารี และยุวกาชาดระดับจังหวัด ณ ค่ายลูกเสือจังหวัด 3 รุ่น",
        outputs="ลูกเสือ เนตรนารี และยุวกาชาดเข้าค่าย 642 คน",
        results=(ResultSpec(1, "642", "รวม 3 รุ่น ตามบัญชีลงทะเบียนของค่าย"),),
        evidence=(
            EvidenceSpec("สรุปผลการจัดค่ายพักแรมระดับจังหวัด", "pdf"),
            EvidenceSpec(
                "อัลบั้มภาพกิจกรรมค่ายพักแรม",
                "link",
                url="https://demo.phaen.invalid/albums/scout-camp-2561",
            ),
        ),
    ),
    ReportSpec(
        SUPERVISION,
        "Q2",
        summary="นิเทศสถานศึกษาภาคเรียนที่ 2/2560 ได้ร้อยละ 48.6 ของสถานศึกษาทั้งหมด",
        results=(ResultSpec(1, "48.6", "นิเทศไม่ครบตามแผนเพราะช่วงสอบ O-NET"),),
        problems=(
            ProblemSpec(
                "schedule",
                "กำหนดการนิเทศตรงกับช่วงการสอบ O-NET และการสอบปลายภาคของสถานศึกษา",
                "ไม่ได้ประสานปฏิทินการนิเทศกับปฏิทินการสอบของหน่วยงานต้นสังกัด",
                "ปรับปฏิทินการนิเทศภาคเรียนที่ 1/2561 ให้หลีกเลี่ยงช่วงสอบ และนิเทศเพิ่มเติมในเดือนพฤษภาคม",
                "ผู้อำนวยการกลุ่มนิเทศ ติดตามและประเมินผล",
                "2561-05-31",
                follow_ups=(FollowUp("Q3", "done", "นิเทศเพิ่มเติมครบทุกแห่งที่ค้างแล้ว", "2561-05-25"),),
            ),
        ),
    ),
    ReportSpec(
        DUAL_VOCATIONAL,
        "Q2",
        behind=True,
        submitted="2561-04-24",
        summary="ประชุมสร้างความร่วมมือกับสถานประกอบการแล้ว แต่เลื่อนมหกรรมแนะแนวไปเดือนพฤษภาคม",
        comment="อนุมัติ ขอให้เร่งรัดการเบิกจ่ายตามแผน",
        problems=(
            ProblemSpec(
                "target_group",
                "สถานประกอบการที่ร่วมจัดการศึกษาระบบทวิภาคียังมีน้อย ไม่พอรับนักเรียน",
                "สถานประกอบการขนาดเล็กไม่มีครูฝึกและไม่เข้าใจสิทธิประโยชน์ทางภาษี",
                "จัดประชุมชี้แจงสิทธิประโยชน์ร่วมกับหอการค้าจังหวัด และจัดทำทะเบียนสถานประกอบการเครือข่าย",
                "นายวิชัย แนะแนวดี",
                "2561-05-31",
                follow_ups=(
                    FollowUp("Q3", "in_progress", "ประชุมร่วมกับหอการค้าแล้ว 1 ครั้ง ทะเบียนยังไม่แล้วเสร็จ"),
                    FollowUp("Q4", "in_progress", "ได้สถานประกอบการเพิ่ม 6 แห่ง ยังไม่ครบตามเป้าหมาย"),
                ),
            ),
        ),
    ),
    ReportSpec(
        DISADVANTAGED,
        "Q2",
        state=DRAFT,
        behind=True,
        summary="คัดกรองนักเรียนยากจนพิเศษแล้ว อยู่ระหว่างรอรายชื่อจากหน่วยงานต้นสังกัดบางแห่ง",
        problems=(
            ProblemSpec(
                "management",
                "หน่วยงานต้นสังกัดบางแห่งส่งรายชื่อนักเรียนยากจนพิเศษล่าช้า",
                "ใช้เกณฑ์คัดกรองต่างกัน ต้องตรวจสอบข้อมูลซ้ำ",
                "ประสานกลุ่มนโยบายและแผนเพื่อใช้ข้อมูลกลางของจังหวัดในการคัดกรอง",
                "นางสาวสุดา ใจดี",
                "2561-05-15",
            ),
        ),
    ),
    ReportSpec(
        TEACHERS,
        "Q2",
        state=RETURNED,
        summary="อบรมพัฒนาครูตามความต้องการจำเป็นแล้ว 2 หลักสูตร",
        comment=("ขอให้ระบุจำนวนครูที่ผ่านการอบรมแยกตามหลักสูตร และแนบรายชื่อผู้เข้ารับการอบรมเป็นหลักฐานก่อนส่งใหม่"),
        problems=(
            ProblemSpec(
                "materials",
                "ห้องปฏิบัติการคอมพิวเตอร์ที่ใช้อบรมมีเครื่องไม่พอ",
                "เครื่องคอมพิวเตอร์ของศูนย์อบรมชำรุด 12 เครื่อง",
                "ขอใช้ห้องปฏิบัติการของวิทยาลัยเทคนิคนครศรีธรรมราช",
                "นางอรุณี พัฒนาครู",
                "2561-05-15",
                owner_unit="1380100001",
            ),
        ),
    ),
    ReportSpec(
        INFORMATION,
        "Q2",
        behind=True,
        summary="จัดเก็บข้อมูลได้ร้อยละ 70 อบรมเจ้าหน้าที่ข้อมูลสารสนเทศแล้ว 1 รุ่น",
        problems=(
            ProblemSpec(
                "personnel",
                "เจ้าหน้าที่ข้อมูลของหน่วยงานทางการศึกษาเปลี่ยนบ่อย ข้อมูลส่งไม่ครบ",
                "การโยกย้ายบุคลากรช่วงต้นปี",
                "จัดอบรมเจ้าหน้าที่ข้อมูลรายใหม่เพิ่ม 1 รุ่น และจัดทำคู่มือการส่งข้อมูล",
                "นางสาวศิริพร วางแผนดี",
                "2561-04-30",
                follow_ups=(FollowUp("Q3", "done", "อบรมรุ่นที่ 2 และแจกคู่มือแล้ว", "2561-05-15"),),
            ),
        ),
    ),
    ReportSpec(
        MONITORING,
        "Q2",
        summary="จัดทำเครื่องมือและแบบรายงานผลการดำเนินงานรายไตรมาสแล้วเสร็จ",
        results=(ResultSpec(1, "95.24", "โครงการรายงานครบ 20 จาก 21 โครงการ"),),
        evidence=(EvidenceSpec("แบบรายงานผลการดำเนินงานรายไตรมาส", "xlsx"),),
    ),
    ReportSpec(
        PLANNING,
        "Q2",
        results=(ResultSpec(1, "1", "ประชุมประสานแผนครั้งที่ 1 เมื่อ 20 กุมภาพันธ์ 2561"),),
    ),
    ReportSpec(
        TEACHERS_DAY,
        "Q2",
        summary="จัดงานวันครู ครั้งที่ 62 เมื่อวันที่ 16 มกราคม 2561 และมอบโล่ครูดีเด่น 45 คน",
        evidence=(EvidenceSpec("ภาพพิธีมอบโล่ครูดีเด่น", "png"),),
    ),
    ReportSpec(
        SCHOOL_EARLY,
        "Q2",
        state=SUBMITTED,
        results=(ResultSpec(1, "91.5", "ประเมินพัฒนาการภาคเรียนที่ 2/2560"),),
    ),
    ReportSpec(SCHOOL_ENGLISH, "Q2", state=DRAFT),
    # Quarter 3 (April–June 2561, due 15 July 2561) -----------------------------------------
    ReportSpec(READING, "Q3", state=MISSING),
    ReportSpec(DISADVANTAGED, "Q3", state=MISSING),
    ReportSpec(
        SUPERVISION,
        "Q3",
        results=(ResultSpec(1, "63.2"),),
    ),
    ReportSpec(
        DUAL_VOCATIONAL,
        "Q3",
        behind=True,
        submitted="2561-07-27",
        summary="จัดมหกรรมแนะแนวแล้ว อบรมครูแนะแนวเลื่อนไปเดือนกรกฎาคม",
    ),
    ReportSpec(
        DROPOUTS,
        "Q3",
        state=SUBMITTED,
        summary="ลงพื้นที่ติดตามเด็กตกหล่น 4 อำเภอ ส่งต่อเข้าสู่ระบบการศึกษาได้ 52 คน",
        results=(ResultSpec(1, "52", "เด็กบางส่วนย้ายตามผู้ปกครองไปต่างจังหวัด"),),
        problems=(
            ProblemSpec(
                "target_group",
                "ติดตามเด็กตกหล่นไม่พบตามที่อยู่ในทะเบียนราษฎร์",
                "ครอบครัวย้ายถิ่นเพื่อประกอบอาชีพโดยไม่แจ้งย้าย",
                "ประสานผู้นำชุมชนและ อสม. ช่วยติดตาม และส่งต่อข้อมูลไปยังจังหวัดปลายทาง",
                "นายประยุทธ ติดตามเด็ก",
                "2561-08-31",
                follow_ups=(FollowUp("Q4", "in_progress", "ส่งต่อข้อมูลไปยัง 3 จังหวัดแล้ว รอผล"),),
            ),
        ),
    ),
    ReportSpec(
        TEACHERS,
        "Q3",
        results=(ResultSpec(1, "615"),),
        evidence=(EvidenceSpec("รายชื่อผู้ผ่านการพัฒนาแยกตามหลักสูตร", "xlsx", on_result=True),),
    ),
    ReportSpec(
        SCOUTS,
        "Q3",
        summary="จัดงานวันสถาปนาลูกเสือแห่งชาติแล้ว แต่เลื่อนการฝึกอบรม B.T.C. เพราะฝนตกหนัก",
        problems=(
            ProblemSpec(
                "policy_external",
                "ฝนตกหนักและน้ำท่วมค่ายลูกเสือ ต้องเลื่อนการฝึกอบรมผู้บังคับบัญชาลูกเสือ",
                "สภาพอากาศ",
                "เลื่อนการฝึกอบรมไปเดือนกรกฎาคม และสำรองสถานที่ในร่ม",
                "ผู้อำนวยการกลุ่มลูกเสือ ยุวกาชาด และกิจการนักเรียน",
                "2561-07-31",
                follow_ups=(
                    FollowUp("Q4", "done", "ฝึกอบรมแล้วเมื่อ 16–20 กรกฎาคม 2561", "2561-07-20"),
                ),
            ),
        ),
    ),
    ReportSpec(
        PLANNING,
        "Q3",
        results=(ResultSpec(1, "1"),),
        evidence=(
            EvidenceSpec(
                "รายงานการประชุมประสานแผน ครั้งที่ 2",
                "link",
                url="https://demo.phaen.invalid/meetings/plan-2561-2",
            ),
        ),
    ),
    ReportSpec(MONITORING, "Q3", results=(ResultSpec(1, "100"),)),
    ReportSpec(AGENCY_READING, "Q3", results=(ResultSpec(1, "54.5"),)),
    # Quarter 4 (July–September 2561, due 15 October 2561) ----------------------------------
    ReportSpec(READING, "Q4", state=MISSING),
    ReportSpec(DISADVANTAGED, "Q4", state=MISSING),
    ReportSpec(AUDIT, "Q4", state=MISSING),
    ReportSpec(
        SUPERVISION,
        "Q4",
        state=SUBMITTED,
        results=(ResultSpec(1, "97.8"), ResultSpec(2, "4")),
        evidence=(EvidenceSpec("รายงานผลการนิเทศประจำปี 2561", "pdf"),),
    ),
    ReportSpec(
        EARLY_CHILDHOOD,
        "Q4",
        state=SUBMITTED,
        results=(ResultSpec(1, "84.5"),),
    ),
    ReportSpec(
        DUAL_VOCATIONAL,
        "Q4",
        behind=True,
        state=SUBMITTED,
        submitted="2561-10-29",
        summary="อบรมครูแนะแนวแล้ว การติดตามผู้สำเร็จการศึกษายังไม่ครบ",
    ),
    ReportSpec(DROPOUTS, "Q4", state=DRAFT, results=(ResultSpec(1, "94"),)),
    ReportSpec(
        TEACHERS,
        "Q4",
        state=SUBMITTED,
        results=(ResultSpec(1, "168", "ผู้บริหารบางส่วนติดภารกิจ"), ResultSpec(2, "86.5")),
    ),
    ReportSpec(SCOUTS, "Q4", state=SUBMITTED),
    ReportSpec(PLANNING, "Q4", state=SUBMITTED, results=(ResultSpec(1, "2"),)),
    ReportSpec(MONITORING, "Q4", state=SUBMITTED, results=(ResultSpec(1, "100"),)),
    ReportSpec(AGENCY_READING, "Q4", state=SUBMITTED, results=(ResultSpec(1, "82"),)),
)
