"""The yearly evaluation: cycles and their transitions, self-assessments (answers, evidence,
submit, return, deadline extensions), assessors' assignments and scores, and moderation.

Every write calls a service of ``kotacerdas.evaluations.services``; every read is limited to what
the `rules` permissions let the user see (``submissions.visible_to`` is the ``view_submission``
rule as a query). Objects a user may not see are answered 404, as in the web pages.
"""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
)
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from kotacerdas.accounts.models import User
from kotacerdas.accounts.predicates import is_admin, is_assessor
from kotacerdas.core.uploads import stored_file_response
from kotacerdas.evaluations.models import (
    Answer,
    Assignment,
    Cycle,
    CycleState,
    Evidence,
    FinalValue,
    LinkCheck,
    LinkCheckState,
    Score,
    Submission,
)
from kotacerdas.evaluations.services import (
    answers,
    assignments,
    extensions,
    history,
    lifecycle,
    links,
    moderation,
    scoring,
    submissions,
)
from kotacerdas.evaluations.services import evidence as evidence_service
from kotacerdas.instruments.models import Indicator
from kotacerdas.regions.models import Region

from ..permissions import Rules
from ..schema import stored_file_responses
from . import INDICATOR_CODE, RelatedByKey, indicator_of, validated
from .audit import FeedbackActions, HistoryEntrySerializer, SubmissionHistoryActions

DECIMAL = {"max_digits": 20, "decimal_places": 6, "allow_null": True, "required": False}


# --- Serializers (output) -----------------------------------------------------------------------


class CycleSerializer(serializers.ModelSerializer):
    instrument = serializers.SlugRelatedField(slug_field="code", read_only=True)
    next_states = serializers.SerializerMethodField()

    class Meta:
        model = Cycle
        fields = [
            "year",
            "name",
            "state",
            "instrument",
            "opens_on",
            "submission_deadline",
            "review_deadline",
            "moderation_deadline",
            "publication_date",
            "published_at",
            "aggregate_along",
            "aggregation",
            "missing_policy",
            "final_rule",
            "display_scale",
            "min_assessors",
            "next_states",
        ]

    def get_next_states(self, cycle: Cycle) -> list[str]:
        return lifecycle.targets(cycle)


class SubmissionSerializer(serializers.ModelSerializer):
    """A region's self-assessment. ``deadline_extended_to`` and ``extension_reason``: the later
    deadline an admin gave this region alone (null and empty without one);
    ``effective_deadline``: the deadline that applies to the region, the later of the cycle's
    and the extension (null when the cycle has none; a submitted or returned self-assessment is
    not held to it)."""

    cycle = serializers.IntegerField(source="cycle.year", read_only=True)
    region = serializers.CharField(source="region.code", read_only=True)
    region_name = serializers.CharField(source="region.name", read_only=True)
    effective_deadline = serializers.SerializerMethodField()

    class Meta:
        model = Submission
        fields = [
            "id",
            "cycle",
            "region",
            "region_name",
            "state",
            "enrolled_at",
            "submitted_at",
            "returned_at",
            "return_reason",
            "deadline_extended_to",
            "extension_reason",
            "effective_deadline",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.DateTimeField(allow_null=True))
    def get_effective_deadline(self, submission: Submission) -> str | None:
        deadline = extensions.effective_deadline(submission)
        return serializers.DateTimeField().to_representation(deadline) if deadline else None


class AnswerSerializer(serializers.Serializer):
    """One indicator's answer; ``version`` 0 means not answered yet (send 0 to answer it)."""

    indicator = serializers.CharField()
    value = serializers.DecimalField(**DECIMAL)
    not_applicable = serializers.BooleanField()
    justification = serializers.CharField(allow_blank=True)
    version = serializers.IntegerField()
    updated_at = serializers.DateTimeField(allow_null=True)

    @staticmethod
    def of(indicator: Indicator, answer: Answer | None) -> dict:
        return {
            "indicator": indicator.code,
            "value": answer.value if answer else None,
            "not_applicable": answer.not_applicable if answer else False,
            "justification": answer.justification if answer else "",
            "version": answer.version if answer else 0,
            "updated_at": answer.updated_at if answer else None,
        }


class AnswerInput(serializers.Serializer):
    value = serializers.DecimalField(**DECIMAL)
    not_applicable = serializers.BooleanField(default=False)
    justification = serializers.CharField(allow_blank=True, default="", max_length=5000)
    version = serializers.IntegerField(min_value=0, help_text="The version you read (0: new).")


# More answers than any instrument has (the product's upper size is 300 indicators).
MAX_BATCH = 1000


class AnswerItemInput(AnswerInput):
    indicator = serializers.CharField(max_length=50, help_text="The indicator's code.")


class AnswerBatchInput(serializers.Serializer):
    """Several answers, each with the version you read; saved all or nothing."""

    answers = serializers.ListField(child=AnswerItemInput(), min_length=1, max_length=MAX_BATCH)

    def validate_answers(self, items: list[dict]) -> list[answers.AnswerChange]:
        """The items as changes of the cycle's indicators, or one error per unknown code
        (pointer ``#/answers/<index>/indicator``)."""
        instrument = self.context["cycle"].instrument_id
        codes = {item["indicator"] for item in items}
        known = {
            indicator.code: indicator
            for indicator in Indicator.objects.filter(instrument_id=instrument, code__in=codes)
        }
        unknown = {
            index: {
                "indicator": [
                    _("Indikator %(code)s tidak ada pada instrumen siklus ini.")
                    % {"code": item["indicator"]}
                ]
            }
            for index, item in enumerate(items)
            if item["indicator"] not in known
        }
        if unknown:
            raise serializers.ValidationError(unknown)
        return [
            answers.AnswerChange(
                indicator=known[item["indicator"]],
                value=item.get("value"),
                not_applicable=item["not_applicable"],
                justification=item["justification"],
                version=item["version"],
            )
            for item in items
        ]


class LinkCheckSerializer(serializers.ModelSerializer):
    """The newest check of a link evidence item (``evaluations.services.links``): ``state`` is
    ``queued``, ``running``, ``done`` or ``stale`` (it will not finish: its worker stopped; shown
    once ``links.STALE_AFTER`` has passed, and a new check may be asked for); ``status_code`` the
    HTTP status the link answered (null when unreachable, then ``error`` says why, as it does
    for a stale check); ``archived`` whether a copy was kept, and ``archive`` where to download
    it."""

    state = serializers.ChoiceField(
        source="shown_state", choices=LinkCheckState.choices, read_only=True
    )
    error = serializers.CharField(source="shown_error", read_only=True)
    archived = serializers.SerializerMethodField()
    archive = serializers.SerializerMethodField()

    class Meta:
        model = LinkCheck
        fields = [
            "id",
            "state",
            "requested_at",
            "checked_at",
            "status_code",
            "final_url",
            "content_type",
            "size",
            "sha256",
            "error",
            "archived",
            "archive",
        ]

    def get_archived(self, check: LinkCheck) -> bool:
        return bool(check.archive)

    def get_archive(self, check: LinkCheck) -> str | None:
        if not check.archive:
            return None
        return f"/api/v1/evidence/{check.evidence_id}/archive/"


class EvidenceSerializer(serializers.ModelSerializer):
    """An evidence item; a link carries ``link_check``, its newest check (null for a file, or a
    link never checked). Pass items through ``links.mark_checks`` to read them in one query."""

    indicator = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    replaces = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)
    download = serializers.SerializerMethodField()
    link_check = serializers.SerializerMethodField()

    class Meta:
        model = Evidence
        fields = [
            "id",
            "indicator",
            "kind",
            "original_name",
            "content_type",
            "size",
            "sha256",
            "url",
            "description",
            "valid_until",
            "replaces",
            "superseded",
            "uploaded_at",
            "download",
            "link_check",
        ]

    def get_download(self, item: Evidence) -> str | None:
        if item.kind != "file":
            return None
        return f"/api/v1/evidence/{item.pk}/file/"

    @extend_schema_field(LinkCheckSerializer(allow_null=True))
    def get_link_check(self, item: Evidence) -> dict | None:
        if item.kind != "link":
            return None
        check = item.link_check if hasattr(item, "link_check") else links.latest(item)
        return LinkCheckSerializer(check).data if check is not None else None


class EvidenceInput(serializers.Serializer):
    """A file (multipart) or a link; ``replaces`` names the evidence this one replaces."""

    file = serializers.FileField(required=False, allow_empty_file=True)
    url = serializers.CharField(required=False, allow_blank=True, default="", max_length=1000)
    indicator = serializers.CharField(required=False, allow_blank=True, default="")
    description = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=500
    )
    replaces = serializers.IntegerField(required=False, allow_null=True, default=None)
    valid_until = serializers.DateField(
        required=False,
        allow_null=True,
        default=None,
        help_text="Valid until (an SK, certificate or MoU expires); not before 2000-01-01.",
    )

    def validate(self, data):
        if bool(data.get("file")) == bool(data.get("url")):
            raise serializers.ValidationError("Send either a file or a url, not both or neither.")
        return data


class ScoreSerializer(serializers.ModelSerializer):
    indicator = serializers.CharField(source="indicator.code", read_only=True)
    assessor = serializers.CharField(source="assignment.assessor.username", read_only=True)
    assignment = serializers.IntegerField(source="assignment_id", read_only=True)

    class Meta:
        model = Score
        fields = [
            "assignment",
            "assessor",
            "indicator",
            "value",
            "not_applicable",
            "note",
            "evidence_missing",
            "version",
            "updated_at",
        ]


class ScoreInput(serializers.Serializer):
    value = serializers.DecimalField(**DECIMAL)
    not_applicable = serializers.BooleanField(default=False)
    note = serializers.CharField(allow_blank=True, default="", max_length=5000)
    evidence_missing = serializers.BooleanField(default=False)
    version = serializers.IntegerField(min_value=0, help_text="The version you read (0: new).")


class AssignmentSerializer(serializers.ModelSerializer):
    cycle = serializers.IntegerField(source="cycle.year", read_only=True)
    region = serializers.CharField(source="region.code", read_only=True)
    region_name = serializers.CharField(source="region.name", read_only=True)
    assessor = serializers.CharField(source="assessor.username", read_only=True)
    submission = serializers.SerializerMethodField()

    class Meta:
        model = Assignment
        fields = [
            "id",
            "cycle",
            "region",
            "region_name",
            "assessor",
            "assigned_at",
            "completed_at",
            "submission",
        ]

    def get_submission(self, assignment: Assignment) -> int | None:
        found = Submission.objects.filter(
            cycle_id=assignment.cycle_id, region_id=assignment.region_id
        ).first()
        return found.pk if found else None


class JudgementSerializer(serializers.ModelSerializer):
    """The assessor's written judgement of the region (one item per line) and interview notes,
    with its ``version``: send back the version you read (0 before the first save)."""

    TEXTS = ("weaknesses", "strengths", "recommendations", "interview_notes")

    class Meta:
        model = Assignment
        fields = ["weaknesses", "strengths", "recommendations", "interview_notes", "version"]
        extra_kwargs = {
            **{name: {"required": False, "allow_blank": True} for name in fields[:4]},
            "version": {"required": True, "min_value": 0},
        }


class AssignInput(serializers.Serializer):
    """Who reviews which enrolled region in which cycle."""

    cycle = RelatedByKey(slug_field="year", queryset=Cycle.objects.all())
    region = RelatedByKey(slug_field="code", queryset=Region.objects.all())
    assessor = RelatedByKey(
        slug_field="username",
        queryset=User.objects.all(),
        help_text="The assessor's username.",
    )


class TransitionInput(serializers.Serializer):
    to = serializers.ChoiceField(choices=CycleState.choices)
    reason = serializers.CharField(allow_blank=True, default="", max_length=2000)
    release_at = serializers.DateTimeField(
        required=False,
        allow_null=True,
        default=None,
        help_text="Moving to published: when the public sees the results (ISO 8601; without "
        "an offset, Asia/Jakarta); omitted or null: at once. Not more than a minute in the past.",
    )


class ReturnInput(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)


class ExtensionInput(serializers.Serializer):
    until = serializers.DateTimeField(
        help_text="The region's new deadline (ISO 8601; without an offset, Asia/Jakarta): later "
        "than the cycle's deadline and than now."
    )
    reason = serializers.CharField(max_length=2000)


class CancelExtensionInput(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)


class ModerationScoreSerializer(serializers.Serializer):
    assessor = serializers.CharField()
    value = serializers.DecimalField(**DECIMAL)
    not_applicable = serializers.BooleanField()
    note = serializers.CharField(allow_blank=True)


class ModerationItemSerializer(serializers.Serializer):
    submission = serializers.IntegerField()
    region = serializers.CharField()
    region_name = serializers.CharField()
    indicator = serializers.CharField()
    reason = serializers.CharField()
    spread = serializers.DecimalField(max_digits=20, decimal_places=6)
    scores = ModerationScoreSerializer(many=True)
    answer = serializers.DecimalField(**DECIMAL)
    final_version = serializers.IntegerField(help_text="Send this as `version` when settling.")

    @staticmethod
    def of(item: moderation.ModerationItem) -> dict:
        final = FinalValue.objects.filter(
            submission=item.submission, indicator=item.indicator
        ).first()
        return {
            "submission": item.submission.pk,
            "region": item.region.code,
            "region_name": item.region.name,
            "indicator": item.indicator.code,
            "reason": item.reason,
            "spread": item.spread,
            "scores": [
                {
                    "assessor": panel.assessor_name,
                    "value": panel.score.value if panel.score else None,
                    "not_applicable": bool(panel.score and panel.score.not_applicable),
                    "note": panel.score.note if panel.score else "",
                }
                for panel in item.scores
            ],
            "answer": item.answer.value if item.answer else None,
            "final_version": final.version if final else 0,
        }


class SettleInput(serializers.Serializer):
    submission = serializers.IntegerField()
    indicator = serializers.CharField(max_length=30)
    value = serializers.DecimalField(**DECIMAL)
    not_applicable = serializers.BooleanField(default=False)
    reason = serializers.CharField(max_length=5000)
    version = serializers.IntegerField(min_value=0, default=0)


class FinalValueSerializer(serializers.ModelSerializer):
    indicator = serializers.CharField(source="indicator.code", read_only=True)
    submission = serializers.IntegerField(source="submission_id", read_only=True)

    class Meta:
        model = FinalValue
        fields = [
            "submission",
            "indicator",
            "value",
            "not_applicable",
            "method",
            "reason",
            "version",
            "decided_at",
        ]


# --- Cycles -------------------------------------------------------------------------------------


class CycleViewSet(viewsets.ReadOnlyModelViewSet):
    """Evaluation cycles (one a year). Admins move a cycle to its next stage and moderate."""

    queryset = Cycle.objects.select_related("instrument")
    serializer_class = CycleSerializer
    lookup_field = "year"
    lookup_value_regex = r"\d{4}"
    permission_classes = [Rules]
    rules_permissions = {
        "list": "evaluations.view_own_work",
        "retrieve": "evaluations.view_own_work",
        "transition": "evaluations.manage_cycle",
        "moderation_queue": "evaluations.moderate",
        "settle": "evaluations.moderate",
        "history": "evaluations.manage_cycle",
    }
    filterset_fields = ["state"]
    ordering_fields = ["year"]
    ordering = ["-year"]

    @extend_schema(request=TransitionInput, responses=CycleSerializer)
    @action(detail=True, methods=["post"])
    def transition(self, request, year=None):
        """Move the cycle to another stage (``lifecycle.transition``); a refusal lists every
        unmet precondition in ``details``."""
        cycle = self.get_object()
        values = validated(TransitionInput, request.data)
        cycle = lifecycle.transition(
            cycle,
            values["to"],
            by=request.user,
            reason=values["reason"],
            release_at=values["release_at"],
        )
        return Response(CycleSerializer(cycle).data)

    @extend_schema(
        responses=ModerationItemSerializer(many=True),
        parameters=[
            OpenApiParameter("region", str, description="Only this region code"),
            OpenApiParameter("dimension", str, description="Only this dimension code"),
            OpenApiParameter("reason", str, description="Only this queue reason"),
        ],
        filters=False,
    )
    @action(detail=True, methods=["get"], url_path="moderation", pagination_class=None)
    def moderation_queue(self, request, year=None):
        """The indicators waiting for the moderator, worst disagreement first."""
        cycle = self.get_object()
        items = moderation.queue(
            cycle,
            region_code=request.query_params.get("region", ""),
            dimension_code=request.query_params.get("dimension", ""),
            reason=request.query_params.get("reason", ""),
        )
        rows = [ModerationItemSerializer.of(item) for item in items]
        return Response(ModerationItemSerializer(rows, many=True).data)

    @extend_schema(request=SettleInput, responses=FinalValueSerializer)
    @action(detail=True, methods=["post"], url_path="moderation/settle")
    def settle(self, request, year=None):
        """Set an indicator's final value for a region as the moderator (``moderation.settle``)."""
        cycle = self.get_object()
        values = validated(SettleInput, request.data)
        submission = get_object_or_404(Submission, pk=values["submission"], cycle=cycle)
        final = moderation.settle(
            submission,
            indicator_of(cycle, values["indicator"]),
            value=values.get("value"),
            not_applicable=values["not_applicable"],
            reason=values["reason"],
            version=values["version"],
            by=request.user,
        )
        return Response(FinalValueSerializer(final).data)

    @extend_schema(responses=HistoryEntrySerializer(many=True), filters=False)
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def history(self, request, year=None):
        """Every change of the cycle's state, schedule and method, newest first (admins)."""
        entries = history.cycle_history(self.get_object())
        return Response(HistoryEntrySerializer(entries, many=True).data)


# --- Self-assessments ---------------------------------------------------------------------------


class SubmissionViewSet(FeedbackActions, SubmissionHistoryActions, viewsets.ReadOnlyModelViewSet):
    """Regions' self-assessments: an operator sees the own region's, an assessor the assigned
    regions', an admin all."""

    serializer_class = SubmissionSerializer
    permission_classes = [Rules]
    rules_permissions = {
        "list": "evaluations.view_own_work",
        "retrieve": "evaluations.view_submission",
        "answers": "evaluations.view_submission",
        "answer": "evaluations.edit_submission",
        "save_answers": "evaluations.edit_submission",
        "evidence": "evaluations.view_submission",
        "add_evidence": "evaluations.edit_submission",
        "submit": "evaluations.edit_submission",
        "return_to_region": "evaluations.manage_cycle",
        "extension": "evaluations.extend_deadline",
        "cancel_extension": "evaluations.extend_deadline",
        "scores": "evaluations.view_scores",
        "finals": "evaluations.view_scores",
        "feedback": "evaluations.moderate",
        "settle_feedback": "evaluations.moderate",
        "history": "evaluations.view_history",
        "indicator_history": "evaluations.view_history",
    }
    filterset_fields = {"state": ["exact"], "cycle__year": ["exact"], "region__code": ["exact"]}
    ordering_fields = ["id", "region__code", "cycle__year", "submitted_at"]
    ordering = ["-cycle__year", "region__code"]

    def get_queryset(self):
        return submissions.visible_to(self.request.user)

    @extend_schema(responses=AnswerSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def answers(self, request, pk=None):
        """Every indicator of the cycle with the region's answer (``version`` 0: unanswered)."""
        submission = self.get_object()
        stored = {a.indicator_id: a for a in submission.answers.all()}
        rows = [
            AnswerSerializer.of(indicator, stored.get(indicator.pk))
            for indicator in submissions.indicators_of(submission)
        ]
        return Response(AnswerSerializer(rows, many=True).data)

    @extend_schema(request=AnswerBatchInput, responses=AnswerSerializer(many=True))
    @answers.mapping.post
    def save_answers(self, request, pk=None):
        """Save several answers at once, all or nothing, each with the version you read: the
        first refusal (an unknown or repeated indicator, a value that does not fit, a stale
        version: 409 ``stale-version``) names the item (``errors[].pointer``
        ``#/answers/<index>``) and nothing of the batch is saved. Answers the saved items in
        the order sent."""
        submission = self.get_object()
        batch = AnswerBatchInput(data=request.data, context={"cycle": submission.cycle})
        batch.is_valid(raise_exception=True)
        changes = batch.validated_data["answers"]
        saved = answers.save_answers(submission, changes, by=request.user)
        rows = [
            AnswerSerializer.of(change.indicator, answer)
            for change, answer in zip(changes, saved, strict=True)
        ]
        return Response(AnswerSerializer(rows, many=True).data)

    @extend_schema(request=AnswerInput, responses=AnswerSerializer)
    @action(
        detail=True,
        methods=["put"],
        url_path=f"answers/(?P<indicator>{INDICATOR_CODE})",
        filter_backends=[],
    )
    def answer(self, request, pk=None, indicator=None):
        """Save an answer with the version you read; a newer stored version is a 409
        ``stale-version`` problem and nothing is overwritten."""
        submission = self.get_object()
        target = indicator_of(submission.cycle, indicator)
        values = validated(AnswerInput, request.data)
        saved = answers.save_answer(
            submission,
            target,
            value=values.get("value"),
            not_applicable=values["not_applicable"],
            justification=values["justification"],
            version=values["version"],
            by=request.user,
        )
        return Response(AnswerSerializer(AnswerSerializer.of(target, saved)).data)

    @extend_schema(
        methods=["get"],
        responses=EvidenceSerializer(many=True),
        parameters=[OpenApiParameter("all", OpenApiTypes.BOOL, description="Include superseded")],
    )
    @action(
        detail=True,
        methods=["get"],
        pagination_class=None,
        filter_backends=[],
        parser_classes=[MultiPartParser, FormParser, JSONParser],
    )
    def evidence(self, request, pk=None):
        """The region's evidence (files and links); superseded ones with ``?all=true``."""
        submission = self.get_object()
        items = submission.evidence.select_related("indicator")
        if request.query_params.get("all", "").lower() not in ("1", "true"):
            items = items.filter(superseded=False)
        items = list(items)
        links.mark_checks(items)
        return Response(EvidenceSerializer(items, many=True).data)

    @extend_schema(
        methods=["post"],
        request={"multipart/form-data": EvidenceInput, "application/json": EvidenceInput},
        responses={201: EvidenceSerializer},
    )
    @evidence.mapping.post
    def add_evidence(self, request, pk=None):
        """Upload a file or record a link (``evaluations.services.evidence``); the file is checked
        by content, size and name before anything is stored."""
        submission = self.get_object()
        values = validated(EvidenceInput, request.data)
        target = (
            indicator_of(submission.cycle, values["indicator"]) if values["indicator"] else None
        )
        if values["replaces"]:
            old = get_object_or_404(Evidence, pk=values["replaces"], submission=submission)
            created = evidence_service.replace(
                old,
                uploaded=values.get("file"),
                url=values["url"],
                description=values["description"],
                valid_until=values["valid_until"],
                by=request.user,
            )
        elif values.get("file"):
            created = evidence_service.add_file(
                submission,
                target,
                values["file"],
                description=values["description"],
                valid_until=values["valid_until"],
                by=request.user,
            )
        else:
            created = evidence_service.add_link(
                submission,
                target,
                values["url"],
                description=values["description"],
                valid_until=values["valid_until"],
                by=request.user,
            )
        return Response(EvidenceSerializer(created).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=SubmissionSerializer)
    @action(detail=True, methods=["post"], filter_backends=[])
    def submit(self, request, pk=None):
        """Send the self-assessment; if anything is missing, a 409 problem lists it in
        ``details``."""
        submission = submissions.submit(self.get_object(), by=request.user)
        return Response(SubmissionSerializer(submission).data)

    @extend_schema(request=ReturnInput, responses=SubmissionSerializer)
    @action(detail=True, methods=["post"], url_path="return", filter_backends=[])
    def return_to_region(self, request, pk=None):
        """Send a submitted self-assessment back to the region with a reason (admins)."""
        submission = self.get_object()
        values = validated(ReturnInput, request.data)
        submission = submissions.return_submission(
            submission, reason=values["reason"], by=request.user
        )
        return Response(SubmissionSerializer(submission).data)

    @extend_schema(request=ExtensionInput, responses=SubmissionSerializer)
    @action(detail=True, methods=["post"], filter_backends=[])
    def extension(self, request, pk=None):
        """Give this region alone a later self-assessment deadline, or move its extension
        (admins; ``extensions.extend_deadline``: an open cycle and a draft self-assessment)."""
        submission = self.get_object()
        values = validated(ExtensionInput, request.data)
        submission = extensions.extend_deadline(
            submission, values["until"], reason=values["reason"], by=request.user
        )
        return Response(SubmissionSerializer(submission).data)

    @extend_schema(request=CancelExtensionInput, responses=SubmissionSerializer)
    @action(detail=True, methods=["post"], url_path="extension/cancel", filter_backends=[])
    def cancel_extension(self, request, pk=None):
        """Cancel the region's extension: the cycle's deadline applies to it again (admins;
        ``extensions.cancel_extension``)."""
        submission = self.get_object()
        values = validated(CancelExtensionInput, request.data)
        submission = extensions.cancel_extension(
            submission, reason=values["reason"], by=request.user
        )
        return Response(SubmissionSerializer(submission).data)

    @extend_schema(responses=ScoreSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def scores(self, request, pk=None):
        """Every assessor's scores of this region (admins and the region's assessors)."""
        submission = self.get_object()
        scores = Score.objects.filter(
            assignment__cycle_id=submission.cycle_id, assignment__region_id=submission.region_id
        ).select_related("indicator", "assignment__assessor")
        return Response(ScoreSerializer(scores, many=True).data)

    @extend_schema(responses=FinalValueSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def finals(self, request, pk=None):
        """The settled final values of this region's indicators (admins and the region's
        assessors; the public sees them once published, through /api/v1/results/)."""
        submission = self.get_object()
        return Response(
            FinalValueSerializer(submission.finals.select_related("indicator"), many=True).data
        )


class EvidenceViewSet(viewsets.GenericViewSet):
    """One evidence item, its file, and the archived copy of a checked link (each streamed
    after the permission check: who may read the self-assessment, as in the web pages)."""

    serializer_class = EvidenceSerializer
    permission_classes = [Rules]
    rules_permissions = {
        "retrieve": "evaluations.view_submission",
        "file": "evaluations.view_submission",
        "archive": "evaluations.view_submission",
    }

    def get_queryset(self):
        visible = submissions.visible_to(self.request.user)
        return Evidence.objects.filter(submission__in=visible).select_related("indicator")

    def retrieve(self, request, pk=None):
        return Response(EvidenceSerializer(self.get_object()).data)

    @extend_schema(
        responses=stored_file_responses("The file, as an attachment, in the type it was stored.")
    )
    @action(detail=True, methods=["get"])
    def file(self, request, pk=None):
        """The stored file, as an attachment with its original name."""
        item = self.get_object()
        if item.kind != "file":
            raise NotFound("This evidence is a link, not a file.")
        return stored_file_response(
            item.file, name=item.original_name, content_type=item.content_type
        )

    # The copy keeps the content type the link answered with (HTML, PDF, ...): any type.
    @extend_schema(
        responses={
            (200, "*/*"): OpenApiResponse(
                response=OpenApiTypes.BINARY,
                description="The archived copy, in the content type the link answered with.",
            )
        }
    )
    @action(detail=True, methods=["get"])
    def archive(self, request, pk=None):
        """The copy the server kept at the newest check of a link (``link_check.archive``), as
        an attachment; 404 for a file, or when the newest check kept no copy."""
        item = self.get_object()
        check = links.latest(item) if item.kind == "link" else None
        if check is None or not check.archive:
            raise NotFound("No archived copy of this link.")
        return stored_file_response(
            check.archive, name=f"arsip-tautan-{check.pk}", content_type=check.content_type
        )


# --- Assessors ----------------------------------------------------------------------------------


class AssignmentViewSet(viewsets.ReadOnlyModelViewSet):
    """Assessors' assignments: an assessor sees the own, an admin all; admins assign and
    withdraw (``evaluations.services.assignments``)."""

    serializer_class = AssignmentSerializer
    permission_classes = [Rules]
    rules_permissions = {
        "list": "evaluations.view_own_work",
        "retrieve": "evaluations.view_scores",
        "create": "evaluations.manage_cycle",
        "destroy": "evaluations.manage_cycle",
        "scores": "evaluations.view_scores",
        "score": "evaluations.score_region",
        "judgement": "evaluations.view_scores",
        "save_judgement": "evaluations.score_region",
        "complete": "evaluations.score_region",
    }
    filterset_fields = {
        "cycle__year": ["exact"],
        "region__code": ["exact"],
        "assessor__username": ["exact"],
    }
    ordering_fields = ["id", "region__code", "cycle__year"]
    ordering = ["-cycle__year", "region__code"]

    def get_queryset(self):
        user = self.request.user
        if is_admin(user):
            return Assignment.objects.select_related("cycle", "region", "assessor")
        if is_assessor(user):
            return assignments.assignments_of(user).select_related("assessor")
        return Assignment.objects.none()

    @extend_schema(request=AssignInput, responses={201: AssignmentSerializer})
    def create(self, request, *args, **kwargs):
        """Assign an assessor to an enrolled region (``assignments.assign``): refused (409) for
        a declared conflict of interest, a region not enrolled, or a cycle past review.
        Assigning twice answers the existing assignment."""
        values = validated(AssignInput, request.data)
        assignment = assignments.assign(
            values["cycle"], values["region"], values["assessor"], by=request.user
        )
        return Response(AssignmentSerializer(assignment).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses={204: None})
    def destroy(self, request, *args, **kwargs):
        """Withdraw an assignment (``assignments.unassign``): refused (409) once the assessor
        has scored anything in it, so no work is lost."""
        assignments.unassign(self.get_object(), by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(responses=ScoreSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def scores(self, request, pk=None):
        """This assessor's scores in this assignment."""
        assignment = self.get_object()
        items = assignment.scores.select_related("indicator", "assignment__assessor")
        return Response(ScoreSerializer(items, many=True).data)

    @extend_schema(request=ScoreInput, responses=ScoreSerializer)
    @action(
        detail=True,
        methods=["put"],
        url_path=f"scores/(?P<indicator>{INDICATOR_CODE})",
        filter_backends=[],
    )
    def score(self, request, pk=None, indicator=None):
        """Save a score with the version you read (``scoring.save_score``); a stale version is a
        409 problem."""
        assignment = self.get_object()
        target = indicator_of(assignment.cycle, indicator)
        values = validated(ScoreInput, request.data)
        saved = scoring.save_score(
            assignment,
            target,
            value=values.get("value"),
            not_applicable=values["not_applicable"],
            note=values["note"],
            evidence_missing=values["evidence_missing"],
            version=values["version"],
            by=request.user,
        )
        return Response(ScoreSerializer(saved).data)

    @extend_schema(methods=["get"], responses=JudgementSerializer)
    @action(detail=True, methods=["get"], filter_backends=[])
    def judgement(self, request, pk=None):
        """The assessor's weaknesses, strengths, recommendations and interview notes."""
        return Response(JudgementSerializer(self.get_object()).data)

    @extend_schema(methods=["put"], request=JudgementSerializer, responses=JudgementSerializer)
    @judgement.mapping.put
    def save_judgement(self, request, pk=None):
        """Save the written judgement with the version you read (``scoring.save_judgement``; in
        review only); a stale version is a 409 problem and nothing is overwritten."""
        assignment = self.get_object()
        values = validated(JudgementSerializer, request.data)
        texts = {name: values.get(name, "") for name in JudgementSerializer.TEXTS}
        saved = scoring.save_judgement(
            assignment, **texts, version=values["version"], by=request.user
        )
        return Response(JudgementSerializer(saved).data)

    @extend_schema(request=None, responses=AssignmentSerializer)
    @action(detail=True, methods=["post"], filter_backends=[])
    def complete(self, request, pk=None):
        """Declare the review of the region complete (``scoring.mark_complete``); a 409 problem
        lists the indicators still without a score."""
        assignment = scoring.mark_complete(self.get_object(), by=request.user)
        return Response(AssignmentSerializer(assignment).data)


__all__ = [
    "AssignmentViewSet",
    "CycleViewSet",
    "EvidenceViewSet",
    "SubmissionViewSet",
]
