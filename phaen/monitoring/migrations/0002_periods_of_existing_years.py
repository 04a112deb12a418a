"""Reporting periods for the fiscal years that existed before monitoring was installed.

New fiscal years get theirs when they are created (``services.periods_generate``); this gives
the same default dates (``phaen.monitoring.periods``) to the years already in the database.
"""

from django.db import migrations

from phaen.monitoring.periods import KINDS, default_dates


def create_periods(apps, schema_editor):
    FiscalYear = apps.get_model("plans", "FiscalYear")
    ReportingPeriod = apps.get_model("monitoring", "ReportingPeriod")
    existing = set(ReportingPeriod.objects.values_list("fiscal_year_id", "kind"))
    new = []
    for fiscal_year in FiscalYear.objects.all():
        for kind in KINDS:
            if (fiscal_year.pk, kind) in existing:
                continue
            dates = default_dates(fiscal_year.year, kind)
            new.append(
                ReportingPeriod(
                    fiscal_year=fiscal_year,
                    kind=kind,
                    starts_on=dates.starts_on,
                    ends_on=dates.ends_on,
                    opens_on=dates.opens_on,
                    due_on=dates.due_on,
                    locks_on=dates.locks_on,
                )
            )
    ReportingPeriod.objects.bulk_create(new)


class Migration(migrations.Migration):
    dependencies = [("monitoring", "0001_initial")]

    operations = [migrations.RunPython(create_periods, migrations.RunPython.noop)]
