"""Emails of the right of reply (console backend by default), sent after the commit of the
change they announce, one per recipient, in the recipient's language (times in WIB), from
``templates/appeals/emails/<name>_subject.txt`` and ``<name>.txt``. The recipients and the
delivery are the evaluation's (``evaluations.services.notifications``: through the outbox,
retried when the mail server fails)."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse

from kotacerdas.evaluations.models import SubmissionState
from kotacerdas.evaluations.services.notifications import (
    _unique,
    absolute_url,
    admins,
    operators_of,
    send_on_commit,
    speaking_to,
)

from ..models import Appeal, AppealItem, AppealWindow


def appeal_url(appeal: Appeal) -> str:
    return absolute_url(
        reverse("appeals:region", kwargs={"year": appeal.cycle.year, "code": appeal.region.code})
    )


def window_opened(window: AppealWindow) -> None:
    """To the operators of every region with a submitted self-assessment: they may appeal
    until the deadline."""
    cycle = window.cycle
    region_ids = cycle.submissions.filter(state=SubmissionState.SUBMITTED).values_list(
        "region_id", flat=True
    )
    messages = []
    for operator in operators_of(region_ids):
        url = absolute_url(
            reverse("appeals:region", kwargs={"year": cycle.year, "code": operator.region.code})
        )
        context = {"cycle": cycle, "window": window, "url": url}
        messages.append(_render("window_opened", context, operator))
    send_on_commit("appeals/window_opened", messages)


def appeal_submitted(appeal: Appeal) -> None:
    """To the region's operators (a receipt) and the admins: the appeal was submitted."""
    context = {
        "appeal": appeal,
        "items": list(appeal.items.select_related("indicator")),
        "url": appeal_url(appeal),
    }
    recipients = _unique([*operators_of([appeal.region_id]), *admins()])
    messages = [_render("appeal_submitted", context, user) for user in recipients]
    send_on_commit("appeals/appeal_submitted", messages)


def item_decided(item: AppealItem) -> None:
    """To the region's operators: the decision on one item, its reason and its effect."""
    appeal = item.appeal
    context = {"appeal": appeal, "item": item, "url": appeal_url(appeal)}
    messages = [_render("item_decided", context, user) for user in operators_of([appeal.region_id])]
    send_on_commit("appeals/item_decided", messages)


def _render(name: str, context: dict, recipient) -> EmailMessage:
    with speaking_to(recipient):
        context = {**context, "recipient": recipient, "site_url": settings.KOTACERDAS_SITE_URL}
        subject = render_to_string(f"appeals/emails/{name}_subject.txt", context)
        body = render_to_string(f"appeals/emails/{name}.txt", context)
    return EmailMessage(
        subject=" ".join(subject.split()), body=body.strip() + "\n", to=[recipient.email]
    )
