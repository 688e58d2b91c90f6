"""A region's feedback and the audit trail, as actions of the submission and cycle endpoints.

Feedback (``evaluations.services.feedback``): the moderator reads each assessor's items and the
settled text (or, before it is settled, the union of the assessors' items the web editor starts
from) and settles it with the ``version`` read. History (``evaluations.services.history``): the
same entries the web pages show, to the same people (``evaluations.view_history``: admins and the
region's operators; assessors' scores and final values only for those who may see scores).
"""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from kotacerdas.evaluations.models import Feedback, Submission
from kotacerdas.evaluations.services import feedback as feedback_service
from kotacerdas.evaluations.services import history

from . import INDICATOR_CODE, indicator_of, validated

# --- Feedback -----------------------------------------------------------------------------------


class AssessorItemsSerializer(serializers.Serializer):
    assessor = serializers.CharField()
    name = serializers.CharField()
    weaknesses = serializers.CharField(allow_blank=True)
    strengths = serializers.CharField(allow_blank=True)
    recommendations = serializers.CharField(allow_blank=True)


class FeedbackSerializer(serializers.Serializer):
    """The region's feedback, one item per line. Before it is settled (``settled`` false,
    ``version`` 0) the texts are the union of the assessors' items."""

    weaknesses = serializers.CharField(allow_blank=True)
    strengths = serializers.CharField(allow_blank=True)
    recommendations = serializers.CharField(allow_blank=True)
    settled = serializers.BooleanField()
    settled_by = serializers.CharField(allow_null=True)
    settled_at = serializers.DateTimeField(allow_null=True)
    version = serializers.IntegerField(help_text="Send this back as `version` when settling.")
    assessors = AssessorItemsSerializer(many=True)

    @staticmethod
    def of(submission: Submission) -> dict:
        stored = Feedback.objects.filter(submission=submission).select_related("settled_by").first()
        settled = stored is not None and stored.settled_by_id is not None
        panel = (
            submission.cycle.assignments.filter(region_id=submission.region_id)
            .select_related("assessor")
            .order_by("assessor__username")
        )
        return {
            **feedback_service.draft(submission),
            "settled": settled,
            "settled_by": stored.settled_by.username if settled else None,
            "settled_at": stored.settled_at if settled else None,
            "version": stored.version if stored else 0,
            "assessors": [
                {
                    "assessor": item.assessor.username,
                    "name": item.assessor.display_name,
                    **{name: getattr(item, name) for name in feedback_service.FIELDS},
                }
                for item in panel
            ],
        }


class FeedbackInput(serializers.Serializer):
    weaknesses = serializers.CharField(allow_blank=True, max_length=feedback_service.MAX_TEXT)
    strengths = serializers.CharField(allow_blank=True, max_length=feedback_service.MAX_TEXT)
    recommendations = serializers.CharField(allow_blank=True, max_length=feedback_service.MAX_TEXT)
    version = serializers.IntegerField(min_value=0, help_text="The version you read (0: none).")


class FeedbackActions:
    """``submissions/{id}/feedback/``: read and settle (``evaluations.moderate``)."""

    @extend_schema(methods=["get"], responses=FeedbackSerializer)
    @action(detail=True, methods=["get"], filter_backends=[])
    def feedback(self, request, pk=None):
        """The assessors' items and the settled feedback (or the draft the editor starts from)."""
        return Response(FeedbackSerializer(FeedbackSerializer.of(self.get_object())).data)

    @extend_schema(methods=["put"], request=FeedbackInput, responses=FeedbackSerializer)
    @feedback.mapping.put
    def settle_feedback(self, request, pk=None):
        """Settle the region's feedback (``feedback.settle_feedback``; in moderation, a submitted
        self-assessment, each list at least one item). A stale ``version`` is a 409 problem naming
        who settled the newer text and when; nothing is overwritten."""
        submission = self.get_object()
        values = validated(FeedbackInput, request.data)
        feedback_service.settle_feedback(submission, **values, by=request.user)
        return Response(FeedbackSerializer(FeedbackSerializer.of(submission)).data)


# --- History ------------------------------------------------------------------------------------


class ChangeSerializer(serializers.Serializer):
    label = serializers.CharField()
    old = serializers.CharField()
    new = serializers.CharField()


class HistoryEntrySerializer(serializers.Serializer):
    """One recorded change, values as people read them (as on the history pages)."""

    when = serializers.DateTimeField()
    who = serializers.CharField()
    subject = serializers.CharField()
    action = serializers.CharField()
    reason = serializers.CharField(allow_blank=True)
    changes = ChangeSerializer(many=True)


class SubmissionHistoryActions:
    """``submissions/{id}/history/`` and ``submissions/{id}/history/{indicator}/``
    (``evaluations.view_history``)."""

    @extend_schema(responses=HistoryEntrySerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def history(self, request, pk=None):
        """Enrolment, submission and returns of the self-assessment, newest first."""
        entries = history.submission_history(self.get_object())
        return Response(HistoryEntrySerializer(entries, many=True).data)

    @extend_schema(
        responses=HistoryEntrySerializer(many=True),
        operation_id="submissions_indicator_history",
    )
    @action(
        detail=True,
        methods=["get"],
        url_path=f"history/(?P<indicator>{INDICATOR_CODE})",
        pagination_class=None,
        filter_backends=[],
    )
    def indicator_history(self, request, pk=None, indicator=None):
        """Every change of the region's answer to one indicator and of its evidence, newest
        first; with the assessors' scores and the final value for admins."""
        submission = self.get_object()
        target = indicator_of(submission.cycle, indicator)
        entries = history.indicator_history(submission, target, user=request.user)
        return Response(HistoryEntrySerializer(entries, many=True).data)
