from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ThaiConfig(AppConfig):
    """Thai calendar and formatting: template filters, form fields, the date-hint view."""

    name = "phaen.thai"
    label = "thai"
    verbose_name = _("ปฏิทินและรูปแบบไทย")
