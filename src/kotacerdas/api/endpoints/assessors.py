"""Conflicts of interest and virtual sessions (``evaluations.services.assignments`` and
``evaluations.services.sessions``).

Conflicts: an assessor sees and declares their own, an admin everyone's (and withdraws them).
Sessions: each user sees the sessions of their regions (``sessions.visible_to``: an admin all, an
assessor those of the assigned regions, an operator the own region's) and downloads them as
iCalendar; admins schedule and reschedule.
"""

from __future__ import annotations

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from kotacerdas.accounts.models import User
from kotacerdas.evaluations.models import ConflictOfInterest, Cycle, VirtualSession
from kotacerdas.evaluations.services import assignments, sessions
from kotacerdas.regions.models import Region

from ..permissions import SIGNED_IN, Rules
from . import RelatedByKey, validated

# --- Conflicts of interest ----------------------------------------------------------------------


class ConflictSerializer(serializers.ModelSerializer):
    assessor = serializers.CharField(source="assessor.username", read_only=True)
    assessor_name = serializers.CharField(source="assessor.display_name", read_only=True)
    region = serializers.CharField(source="region.code", read_only=True)
    region_name = serializers.CharField(source="region.name", read_only=True)

    class Meta:
        model = ConflictOfInterest
        fields = [
            "id",
            "assessor",
            "assessor_name",
            "region",
            "region_name",
            "reason",
            "declared_at",
        ]
        read_only_fields = fields


class ConflictInput(serializers.Serializer):
    """A conflict between an assessor and a region; ``assessor`` only for admins (an assessor
    declares for themself)."""

    region = RelatedByKey(slug_field="code", queryset=Region.objects.all())
    reason = serializers.CharField(max_length=assignments.MAX_REASON)
    assessor = RelatedByKey(
        slug_field="username",
        queryset=User.objects.all(),
        required=False,
        help_text="Admins: the assessor's username. Assessors: leave out (yourself).",
    )


class ConflictViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """Declared conflicts of interest: an assessor is never assigned to such a region."""

    serializer_class = ConflictSerializer
    permission_classes = [Rules]
    rules_permissions = {
        "list": "evaluations.view_own_work",
        "retrieve": "evaluations.view_own_work",
        # assignments.declare_conflict checks who may declare for whom.
        "create": SIGNED_IN,
        "destroy": "evaluations.manage_cycle",
    }
    filterset_fields = {"assessor__username": ["exact"], "region__code": ["exact"]}
    ordering_fields = ["assessor__username", "region__code", "declared_at"]
    ordering = ["assessor__username", "region__code"]

    def get_queryset(self):
        return assignments.conflicts_visible_to(self.request.user)

    @extend_schema(request=ConflictInput, responses={201: ConflictSerializer})
    def create(self, request, *args, **kwargs):
        """Declare a conflict (``assignments.declare_conflict``): the assessor's assignments to
        the region in cycles still being assessed are withdrawn; if one already holds scores the
        declaration is refused (409) so that an admin decides. Declaring again updates the
        reason."""
        values = validated(ConflictInput, request.data)
        conflict = assignments.declare_conflict(
            values.get("assessor", request.user),
            values["region"],
            values["reason"],
            by=request.user,
        )
        return Response(ConflictSerializer(conflict).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses={204: None})
    def destroy(self, request, *args, **kwargs):
        """Withdraw a conflict (``assignments.withdraw_conflict``; the history keeps it)."""
        assignments.withdraw_conflict(self.get_object(), by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- Virtual sessions ---------------------------------------------------------------------------


class SessionSerializer(serializers.ModelSerializer):
    cycle = serializers.IntegerField(source="cycle.year", read_only=True)
    region = serializers.CharField(source="region.code", read_only=True)
    region_name = serializers.CharField(source="region.name", read_only=True)
    ends_at = serializers.SerializerMethodField()
    assessors = serializers.SerializerMethodField()
    ics = serializers.SerializerMethodField()

    class Meta:
        model = VirtualSession
        fields = [
            "id",
            "cycle",
            "region",
            "region_name",
            "starts_at",
            "ends_at",
            "duration_minutes",
            "meeting_url",
            "location",
            "note",
            "assessors",
            "sequence",
            "updated_at",
            "ics",
        ]
        read_only_fields = fields
        extra_kwargs = {"sequence": {"help_text": "Grows with every reschedule."}}

    @extend_schema_field(OpenApiTypes.DATETIME)
    def get_ends_at(self, session: VirtualSession):
        return serializers.DateTimeField().to_representation(sessions.ends_at(session))

    def get_assessors(self, session: VirtualSession) -> list[str]:
        return sorted(user.username for user in session.assessors.all())

    def get_ics(self, session: VirtualSession) -> str:
        return f"/api/v1/sessions/{session.pk}/ics/"


class SessionInput(serializers.Serializer):
    """The schedule of a region's session; ``cycle`` and ``region`` name it when it is new."""

    cycle = RelatedByKey(slug_field="year", queryset=Cycle.objects.all(), required=False)
    region = RelatedByKey(slug_field="code", queryset=Region.objects.all(), required=False)
    starts_at = serializers.DateTimeField(
        help_text="ISO 8601; without an offset the time is WIB (Asia/Jakarta)."
    )
    duration_minutes = serializers.IntegerField(min_value=15, max_value=600)
    meeting_url = serializers.URLField(max_length=500, allow_blank=True, default="")
    location = serializers.CharField(max_length=200, allow_blank=True, default="")
    assessors = RelatedByKey(
        slug_field="username",
        queryset=User.objects.all(),
        many=True,
        help_text="Usernames of the region's assigned assessors who take part.",
    )
    note = serializers.CharField(max_length=2000, allow_blank=True, default="")


class SessionViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """The interview of each region, one per cycle, in WIB."""

    serializer_class = SessionSerializer
    permission_classes = [Rules]
    http_method_names = ["get", "post", "put", "head", "options"]
    rules_permissions = {
        "list": "evaluations.view_own_work",
        "retrieve": "evaluations.view_session",
        "ics": "evaluations.view_session",
        "create": "evaluations.manage_cycle",
        "update": "evaluations.manage_cycle",
    }
    filterset_fields = {"cycle__year": ["exact"], "region__code": ["exact"]}
    ordering_fields = ["starts_at", "region__code"]
    ordering = ["starts_at", "region__code"]

    def get_queryset(self):
        return sessions.visible_to(self.request.user)

    def _schedule(self, request, cycle: Cycle, region: Region, values: dict) -> VirtualSession:
        return sessions.schedule(
            cycle,
            region,
            starts_at=values["starts_at"],
            duration_minutes=values["duration_minutes"],
            meeting_url=values["meeting_url"],
            location=values["location"],
            assessors=values["assessors"],
            note=values["note"],
            by=request.user,
        )

    @extend_schema(request=SessionInput, responses={201: SessionSerializer, 200: SessionSerializer})
    def create(self, request, *args, **kwargs):
        """Schedule the session of ``region`` in ``cycle`` (``sessions.schedule``; 201), or
        reschedule it if it exists (200). Operators and the chosen assessors get the .ics by
        email."""
        values = validated(SessionInput, request.data)
        required = serializers.Field().error_messages["required"]
        missing = {name: [required] for name in ("cycle", "region") if name not in values}
        if missing:
            raise serializers.ValidationError(missing)
        existed = VirtualSession.objects.filter(
            cycle=values["cycle"], region=values["region"]
        ).exists()
        session = self._schedule(request, values["cycle"], values["region"], values)
        session = self.get_queryset().get(pk=session.pk)
        return Response(
            SessionSerializer(session).data,
            status=status.HTTP_200_OK if existed else status.HTTP_201_CREATED,
        )

    @extend_schema(request=SessionInput, responses=SessionSerializer)
    def update(self, request, *args, **kwargs):
        """Reschedule the session (``sessions.schedule``): a change increases ``sequence`` so
        calendars replace the invitation."""
        current = self.get_object()
        values = validated(SessionInput, request.data)
        session = self._schedule(request, current.cycle, current.region, values)
        session = self.get_queryset().get(pk=session.pk)
        return Response(SessionSerializer(session).data)

    @extend_schema(responses={(200, "text/calendar"): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"], filter_backends=[])
    def ics(self, request, pk=None):
        """The session as an iCalendar file (``sessions.to_ics``), as an attachment."""
        session = self.get_object()
        response = HttpResponse(
            sessions.to_ics([session]), content_type="text/calendar; charset=utf-8"
        )
        response["Content-Disposition"] = (
            f'attachment; filename="sesi-{session.region.code}-{session.cycle.year}.ics"'
        )
        return response


__all__ = ["ConflictViewSet", "SessionViewSet"]
