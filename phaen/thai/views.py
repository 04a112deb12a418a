"""The live hint under a ThaiDateInput: how the typed date is understood, as an HTML fragment."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from phaen.thai.forms import explain_date_input


@require_GET
def date_hint(request: HttpRequest) -> HttpResponse:
    """Explain ``?value=`` (or the parameter named by ``?field=``, as htmx sends the input
    under its own name). Always 200: an unreadable date is an answer, not a failure."""
    parameter = request.GET.get("field") or "value"
    return render(request, "thai/date_hint.html", explain_date_input(request.GET.get(parameter)))
