"""Budget reference data phaen ships (loaded by a data migration; editable by admins).

Expenditure categories follow the Bureau of the Budget's classification (DOMAIN.md §5). The
cabinet's disbursement-rate targets are the known values of DOMAIN.md §5, kept as data — a year's
missing targets are entered by an administrator when the cabinet sets them.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

FUND_SOURCES = [
    ("appropriation", "งบประมาณรายจ่ายประจำปีของสำนักงาน", "appropriation", 10),
    ("agency", "งบประมาณของหน่วยงานทางการศึกษาในจังหวัด", "agency", 20),
    ("off-budget", "เงินนอกงบประมาณ", "off_budget", 30),
    ("carry-over", "เงินกันไว้เบิกเหลื่อมปี", "carry_over", 40),
    ("other", "แหล่งเงินอื่น", "other", 50),
]

# code, name, parent code, economic class
EXPENSE_CATEGORIES = [
    ("personnel", "งบบุคลากร", "", "current"),
    ("operating", "งบดำเนินงาน", "", "current"),
    ("operating-compensation", "ค่าตอบแทน", "operating", "current"),
    ("operating-services", "ค่าใช้สอย", "operating", "current"),
    ("operating-materials", "ค่าวัสดุ", "operating", "current"),
    ("operating-utilities", "ค่าสาธารณูปโภค", "operating", "current"),
    ("investment", "งบลงทุน", "", "capital"),
    ("investment-equipment", "ค่าครุภัณฑ์", "investment", "capital"),
    ("investment-construction", "ค่าที่ดินและสิ่งก่อสร้าง", "investment", "capital"),
    ("subsidy", "งบเงินอุดหนุน", "", "current"),
    ("other-expense", "งบรายจ่ายอื่น", "", "current"),
]

# fiscal year (BE), period, scope, percent, source
DISBURSEMENT_TARGETS: list[tuple[int, str, str, str, str]] = [
    (2560, "Q4", "overall", "96", "มติคณะรัฐมนตรี เป้าหมายการเบิกจ่ายปีงบประมาณ พ.ศ. 2560"),
    (2560, "Q4", "current", "98", "มติคณะรัฐมนตรี เป้าหมายการเบิกจ่ายปีงบประมาณ พ.ศ. 2560"),
    (2560, "Q4", "capital", "87", "มติคณะรัฐมนตรี เป้าหมายการเบิกจ่ายปีงบประมาณ พ.ศ. 2560"),
    (2561, "Q2", "overall", "52.29", "มาตรการเร่งรัดการเบิกจ่ายปีงบประมาณ พ.ศ. 2561"),
    (2561, "Q3", "overall", "74.29", "มาตรการเร่งรัดการเบิกจ่ายปีงบประมาณ พ.ศ. 2561"),
    (2561, "Q3", "current", "77", "มาตรการเร่งรัดการเบิกจ่ายปีงบประมาณ พ.ศ. 2561"),
    (2561, "Q3", "capital", "65.11", "มาตรการเร่งรัดการเบิกจ่ายปีงบประมาณ พ.ศ. 2561"),
    (2562, "Q3", "overall", "77", "มาตรการเร่งรัดการเบิกจ่ายปีงบประมาณ พ.ศ. 2562"),
    (2562, "Q3", "capital", "65", "มาตรการเร่งรัดการเบิกจ่ายปีงบประมาณ พ.ศ. 2562"),
    (2563, "Q2", "overall", "54", "มาตรการเร่งรัดการเบิกจ่ายปีงบประมาณ พ.ศ. 2563"),
    (2569, "Q4", "overall", "93", "มติคณะรัฐมนตรี เป้าหมายการเบิกจ่ายปีงบประมาณ พ.ศ. 2569"),
    (2569, "Q4", "current", "98", "มติคณะรัฐมนตรี เป้าหมายการเบิกจ่ายปีงบประมาณ พ.ศ. 2569"),
    (2569, "Q4", "capital", "75", "มติคณะรัฐมนตรี เป้าหมายการเบิกจ่ายปีงบประมาณ พ.ศ. 2569"),
]


def load_reference_data(fund_source: Any, category: Any, target: Any) -> None:
    """Create what is missing (by code, or by year × period × scope). Takes model classes so the
    data migration can pass its historical models."""
    for code, name, kind, order in FUND_SOURCES:
        fund_source.objects.get_or_create(
            code=code, defaults={"name": name, "kind": kind, "order": order}
        )
    by_code: dict[str, Any] = {}
    for order, (code, name, parent_code, economic_class) in enumerate(EXPENSE_CATEGORIES, start=1):
        by_code[code], _created = category.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "parent": by_code.get(parent_code),
                "economic_class": economic_class,
                "order": order * 10,
            },
        )
    for year, period, scope, percent, source in DISBURSEMENT_TARGETS:
        target.objects.get_or_create(
            fiscal_year=year,
            period=period,
            scope=scope,
            defaults={"percent": Decimal(percent), "source": source},
        )
