"""The two-step import page: upload → every row checked → errors or a summary → confirm → apply.

Nothing is written by the upload. When every row passes, the page offers a confirmation whose
signed payload holds the same file; confirming checks it again (rights or data may have changed
meanwhile) and applies it in one transaction, all or nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core import signing
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from phaen.core.exceptions import DomainError
from phaen.core.imports import ImportPlan, ImportUploadForm, sign_upload, unsign_upload


def import_flow[P: ImportPlan[Any]](
    request: HttpRequest,
    *,
    salt: str,
    form_class: Callable[..., ImportUploadForm],
    check: Callable[[str, bytes], P],
    apply: Callable[[P, str], str],
    template_name: str,
    done_url: str,
    context: dict[str, Any] | None = None,
) -> HttpResponse:
    """Run one request of the flow. The caller has checked that the user may import here.

    ``check`` reads a file (name, content) into a plan and writes nothing; ``apply`` writes a
    clean plan (with the reason the history records) and returns the success message.

    The template gets ``form``, and after a check ``plan``, ``filename`` and (when the file is
    clean) ``payload`` for the confirmation form.
    """
    context = {**(context or {}), "form": form_class()}
    if request.method == "POST" and "payload" in request.POST:
        try:
            name, data = unsign_upload(request.POST["payload"], salt=salt)
        except signing.BadSignature:
            messages.error(request, _("ข้อมูลยืนยันการนำเข้าหมดอายุหรือไม่ถูกต้อง กรุณาอัปโหลดใหม่"))
            return redirect(request.path)
        plan = check(name, data)
        if not plan.errors:
            try:
                message = apply(plan, _("นำเข้าจากไฟล์ %s") % name)
            except DomainError as error:
                messages.error(request, error.message)
            else:
                messages.success(request, message)
                return redirect(done_url)
        context.update({"plan": plan, "filename": name})
    elif request.method == "POST":
        form = form_class(request.POST, request.FILES)
        context["form"] = form
        if form.is_valid():
            name, data = form.cleaned_data["file"]
            plan = check(name, data)
            context.update({"plan": plan, "filename": name})
            if not plan.errors:
                context["payload"] = sign_upload(name, data, salt=salt)
    return render(request, template_name, context)
