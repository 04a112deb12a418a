"""The demo plans as data: the FY2561 action plan of the Nakhon Si Thammarat PEO and two
agency plans linked to it. ``phaen.demo.loader.load_plans`` builds them through the plan
services, so they are audited and pass every data-quality rule.

One module per part keeps each file readable: ``peo`` (direction and the revised version),
``peo_issue1_security`` … ``peo_issue5_management`` (one per strategic issue), ``school`` and
``service_area`` (the agency plans); ``specs`` holds the shapes, ``people`` the responsible
persons.
"""

from __future__ import annotations

# The fiscal year of the demo plans (BE).
PLAN_YEAR = 2561

# Fiscal years of the demo: (BE year, open for changes, note).
FISCAL_YEARS: tuple[tuple[int, bool, str], ...] = (
    (2560, False, "ปิดปีงบประมาณแล้ว"),
    (2561, True, "ปีงบประมาณของข้อมูลสาธิต"),
    (2562, True, "เตรียมจัดทำแผนปีถัดไป"),
)
