"""Load the fund sources, the expenditure categories of the Bureau of the Budget and the known
cabinet disbursement targets. Existing rows are left alone."""

from django.db import migrations


def load(apps, schema_editor):
    from phaen.budget.reference_data import load_reference_data

    load_reference_data(
        apps.get_model("budget", "FundSource"),
        apps.get_model("budget", "ExpenseCategory"),
        apps.get_model("budget", "DisbursementTarget"),
    )


class Migration(migrations.Migration):
    dependencies = [("budget", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
