"""Emails of the evaluation (console backend by default; ``EMAIL_URL`` in production).

Each function is called inside the transaction of the change it announces: it renders the
messages from the data as they are now and sends them only after that transaction commits
(``transaction.on_commit``), so a change that rolls back sends nothing. The messages go through
the outbox (``core.outbox``): written in that transaction, sent after it, and retried when the
mail server fails (``kotacerdas send_emails``), never silently lost. One message per
recipient (addresses are not shared); users without an email address are skipped. Each
message is in its recipient's language (``User.language``: Bahasa Indonesia or English), with
dates and times in that language and in WIB (Asia/Jakarta), from
``templates/evaluations/emails/<name>_subject.txt`` and ``<name>.txt``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager

from django.conf import settings
from django.core.mail import EmailMessage
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from kotacerdas.accounts.models import User
from kotacerdas.accounts.roles import Role
from kotacerdas.core import outbox
from kotacerdas.core.moments import WIB

from ..models import Submission, VirtualSession

Attachment = tuple[str, bytes, str]


def operators_of(region_ids: Iterable[int]) -> list[User]:
    """Active operators of the given regions who have an email address."""
    return list(
        User.objects.filter(role=Role.OPERATOR, region_id__in=list(region_ids), is_active=True)
        .exclude(email="")
        .order_by("region__code", "username")
    )


def admins() -> list[User]:
    """Active ministry admins (and superusers) who have an email address."""
    return list(
        User.objects.filter(Q(role=Role.ADMIN) | Q(is_superuser=True), is_active=True)
        .exclude(email="")
        .order_by("username")
    )


def absolute_url(path: str) -> str:
    return settings.KOTACERDAS_SITE_URL.rstrip("/") + path


def submission_url(submission: Submission) -> str:
    return absolute_url(
        reverse(
            "evaluations:submission_form",
            kwargs={"year": submission.cycle.year, "code": submission.region.code},
        )
    )


def submission_received(submission: Submission) -> None:
    """To the region's operators and the admins: the self-assessment was submitted."""
    context = {"submission": submission, "url": submission_url(submission)}
    recipients = _unique([*operators_of([submission.region_id]), *admins()])
    _render_and_send("submission_received", context, recipients)


def submission_returned(submission: Submission) -> None:
    """To the region's operators: the self-assessment came back, with the admin's reason."""
    context = {"submission": submission, "url": submission_url(submission)}
    _render_and_send("submission_returned", context, operators_of([submission.region_id]))


def submission_reminder(
    submission: Submission, recipients: list[User], *, deadline, answered: int, total: int
) -> None:
    """To ``recipients`` (the region's operators, ``operators_of``): the self-assessment is not
    sent yet, with its ``deadline`` (``submissions.Deadline``, or None when none binds it) in
    WIB and the days left, the progress (``answered`` of ``total`` indicators) and the link."""
    context = {
        "submission": submission,
        "deadline": deadline,
        "answered": answered,
        "total": total,
        "url": submission_url(submission),
    }
    _render_and_send("submission_reminder", context, recipients)


def session_scheduled(session: VirtualSession, ics: bytes | None = None) -> None:
    """To the region's operators and the session's assessors: when and where the interview is,
    with the session as an ``.ics`` calendar file attached (``ics``, or made by
    ``sessions.to_ics``)."""
    if ics is None:
        from .sessions import to_ics

        ics = to_ics([session])
    context = {"session": session, "assessors": list(session.assessors.all())}
    recipients = _unique(
        [
            *operators_of([session.region_id]),
            *(user for user in context["assessors"] if user.is_active and user.email),
        ]
    )
    attachment = (f"sesi-{session.region.code}-{session.cycle.year}.ics", ics, "text/calendar")
    _render_and_send("session_scheduled", context, recipients, attachments=[attachment])


def results_published(snapshot) -> None:
    """To the operators of every enrolled region: the cycle's results are public (sent when
    ``snapshot``, the first version announced, is released: ``results.services.announcements``)."""
    _results_email("results_published", snapshot, {})


def results_corrected(snapshot, versions, *, previous) -> None:
    """To the operators of every enrolled region: a corrected version (``snapshot``) of results
    already announced is public, with the reason of each version in ``versions`` (those released
    since the last announcement, oldest first) and what it changed for the recipient's own region
    from ``previous``, the version last announced: index, national rank and predicate old → new,
    or that they are unchanged, or that the region is in only one (or neither) of the two."""
    from kotacerdas.results.services import corrections

    notes = [(version.version, version.note) for version in versions]
    url = absolute_url(reverse("results:my_results"))
    submissions = _enrolled(snapshot.cycle)
    changes = corrections.compare_regions(
        previous, snapshot, [submission.region.code for submission in submissions.values()]
    )
    _results_email(
        "results_corrected",
        snapshot,
        {"notes": notes, "results_url": url, "previous": previous},
        submissions=submissions,
        per_region=lambda submission: {"change": changes[submission.region.code]},
    )


def _enrolled(cycle) -> dict[int, Submission]:
    """Region id → submission, for every region enrolled in ``cycle``."""
    return {
        submission.region_id: submission
        for submission in cycle.submissions.select_related("region", "cycle")
    }


def _results_email(
    name: str,
    snapshot,
    extra: dict,
    *,
    submissions: dict[int, Submission] | None = None,
    per_region: Callable[[Submission], dict] | None = None,
) -> None:
    cycle = snapshot.cycle
    if submissions is None:
        submissions = _enrolled(cycle)
    messages = []
    for operator in operators_of(submissions):
        submission = submissions[operator.region_id]
        context = {
            "cycle": cycle,
            "snapshot": snapshot,
            "submission": submission,
            "url": submission_url(submission),
            **extra,
            **(per_region(submission) if per_region else {}),
        }
        messages.append(_render(name, context, operator))
    send_on_commit(f"evaluations/{name}", messages)


def recipient_language(recipient: User) -> str:
    """The recipient's language if the site offers it, otherwise the site's (Indonesian)."""
    language = getattr(recipient, "language", "")
    return language if language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


@contextmanager
def speaking_to(recipient: User) -> Iterator[None]:
    """Translations, date formats and month names in the recipient's language, times in WIB
    (the emails say "WIB"; ``|wib`` converts on its own, ``|date`` and ``|time`` need this)."""
    with translation.override(recipient_language(recipient)), timezone.override(WIB):
        yield


def _render(
    name: str, context: dict, recipient: User, attachments: Iterable[Attachment] = ()
) -> EmailMessage:
    with speaking_to(recipient):
        context = {**context, "recipient": recipient, "site_url": settings.KOTACERDAS_SITE_URL}
        subject = render_to_string(f"evaluations/emails/{name}_subject.txt", context)
        body = render_to_string(f"evaluations/emails/{name}.txt", context)
    message = EmailMessage(
        subject=" ".join(subject.split()),
        body=body.strip() + "\n",
        to=[recipient.email],
    )
    for filename, content, mimetype in attachments:
        message.attach(filename, content, mimetype)
    return message


def _render_and_send(
    name: str,
    context: dict,
    recipients: Iterable[User],
    *,
    attachments: Iterable[Attachment] = (),
) -> None:
    attachments = list(attachments)
    messages = [_render(name, context, user, attachments) for user in recipients]
    send_on_commit(f"evaluations/{name}", messages)


def send_on_commit(kind: str, messages: list[EmailMessage]) -> None:
    """Write ``messages`` to the outbox in the current transaction; they are sent after its
    commit, and retried if the mail server fails (a failure never undoes the change)."""
    outbox.enqueue(messages, kind=kind)


def _unique(users: Iterable[User]) -> list[User]:
    seen: set[int] = set()
    result = []
    for user in users:
        if user.pk not in seen:
            seen.add(user.pk)
            result.append(user)
    return result
