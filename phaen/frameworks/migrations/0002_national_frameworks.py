"""Load the national frameworks phaen ships (National Strategy, master plans, NESDP 12, the
National Education Plan, SDG 4). Rows that already exist (by code) are left alone."""

from django.db import migrations


def load(apps, schema_editor):
    from phaen.frameworks.reference_data import load_national_frameworks

    load_national_frameworks(
        apps.get_model("frameworks", "Framework"), apps.get_model("frameworks", "FrameworkNode")
    )


def unload(apps, schema_editor):
    from phaen.frameworks.reference_data import FRAMEWORKS

    Framework = apps.get_model("frameworks", "Framework")
    Framework.objects.filter(code__in=[spec["code"] for spec in FRAMEWORKS], owner=None).delete()


class Migration(migrations.Migration):
    dependencies = [("frameworks", "0001_initial")]

    operations = [migrations.RunPython(load, unload)]
