"""The right of reply (``kotacerdas.appeals``): the reply window of a cycle, a region's appeal
(items, evidence, submission), the ministry's decisions, the register and the public count.

Every write calls a service of ``kotacerdas.appeals.services`` (which checks the window, the
appeal's state and the deadline inside its own transaction); every read asks the same `rules`
permissions as the pages under /sanggahan/. An appeal one may not read is a 404, as on the web;
an appeal one may read but not change is a 403 (the service's PermissionDenied).

- ``cycles/{year}/appeal-window/``: GET (signed in), PUT ``{"deadline"}`` opens the window or
  moves its deadline, ``close/`` closes it (admins; ``window.open_window``/``close_window``);
- ``cycles/{year}/appeals/``: the register (admins; ``register.cycle_appeals``);
- ``cycles/{year}/appeals/{code}/``: one region's appeal; ``items/{indicator}/`` (PUT, DELETE),
  ``items/{indicator}/evidence/`` (POST, multipart file or a link) and ``submit/`` for the
  region's operator (``filing``); ``items/{indicator}/decide/`` for admins
  (``decisions.decide``), answering the item with its decision; the effect of an acceptance
  (index and rank after) is null, ``effect_pending`` true, until the results' background
  computation has finished;
- ``appeal-evidence/{id}/file/``: an evidence file of an appeal item, streamed as an attachment
  to who may read the appeal (``appeals.view_appeal``, as the web download; else 404);
- ``results/{year}/appeals/``: the aggregate counts of a published cycle (``register.summary``).
"""

from __future__ import annotations

from datetime import UTC, datetime

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from kotacerdas.appeals.choices import Decision, EvidenceKind, ItemCategory
from kotacerdas.appeals.models import Appeal, AppealEvidence, AppealItem, AppealWindow
from kotacerdas.appeals.services import decisions, filing, register, window
from kotacerdas.core.uploads import stored_file_response
from kotacerdas.evaluations.models import Cycle, Submission
from kotacerdas.regions.models import Region

from ..permissions import ANYONE, SIGNED_IN, Rules
from ..schema import stored_file_responses
from . import INDICATOR_CODE, indicator_of, validated
from .cycle_admin import REGION_CODE, YEAR, CycleNested

DECIMAL = {"max_digits": 20, "decimal_places": 6, "allow_null": True, "required": False}
# Deadlines outside these years are not a reply window but a typing error (and out of range for
# the conversions to WIB).
EARLIEST, LATEST = datetime(2000, 1, 1, tzinfo=UTC), datetime(2100, 1, 1, tzinfo=UTC)


# --- Serializers --------------------------------------------------------------------------------


class WindowSerializer(serializers.ModelSerializer):
    cycle = serializers.IntegerField(source="cycle.year", read_only=True)
    ends_at = serializers.DateTimeField(
        read_only=True, help_text="The deadline, or the early close if sooner."
    )
    is_open = serializers.SerializerMethodField()

    class Meta:
        model = AppealWindow
        fields = ["cycle", "deadline", "opened_at", "closed_at", "ends_at", "is_open"]

    def get_is_open(self, item: AppealWindow) -> bool:
        return item.is_open()


class WindowInput(serializers.Serializer):
    deadline = serializers.DateTimeField(
        help_text="Until when regions may file; without an offset it is WIB (Asia/Jakarta)."
    )

    def validate_deadline(self, value: datetime) -> datetime:
        if not EARLIEST <= value < LATEST:
            raise serializers.ValidationError(_("Batas sanggahan di luar rentang yang wajar."))
        return value


class AppealEvidenceSerializer(serializers.ModelSerializer):
    download = serializers.SerializerMethodField()

    class Meta:
        model = AppealEvidence
        fields = [
            "id",
            "kind",
            "original_name",
            "content_type",
            "size",
            "sha256",
            "url",
            "description",
            "uploaded_at",
            "download",
        ]

    def get_download(self, item: AppealEvidence) -> str | None:
        """Where to download a file (``appeal-evidence/{id}/file/``); null for a link."""
        if item.kind != EvidenceKind.FILE:
            return None
        return f"/api/v1/appeal-evidence/{item.pk}/file/"


class AppealItemSerializer(serializers.ModelSerializer):
    """One disputed indicator: the region's reason and evidence, then the decision and its
    effect (final value, index on the display scale and national rank, before and after). The
    index and rank after an acceptance are null while ``effect_pending``: the results are being
    recomputed in the background."""

    indicator = serializers.CharField(source="indicator.code", read_only=True)
    decided_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    snapshot_before = serializers.IntegerField(
        source="snapshot_before.version", read_only=True, allow_null=True, default=None
    )
    snapshot_after = serializers.IntegerField(
        source="snapshot_after.version", read_only=True, allow_null=True, default=None
    )
    evidence = AppealEvidenceSerializer(many=True, read_only=True)
    effect_pending = serializers.BooleanField(
        read_only=True,
        help_text="Decided, but the results are still being recomputed in the background: "
        "display_after, rank_after, ranks_changed and snapshot_after are null until then.",
    )

    class Meta:
        model = AppealItem
        fields = [
            "indicator",
            "category",
            "reason",
            "created_at",
            "evidence",
            "decision",
            "decision_reason",
            "decided_at",
            "decided_by",
            "value_before",
            "not_applicable_before",
            "value_after",
            "not_applicable_after",
            "display_before",
            "display_after",
            "rank_before",
            "rank_after",
            "ranks_changed",
            "snapshot_before",
            "snapshot_after",
            "effect_pending",
        ]


class AppealSerializer(serializers.ModelSerializer):
    cycle = serializers.IntegerField(source="cycle.year", read_only=True)
    region = serializers.CharField(source="region.code", read_only=True)
    region_name = serializers.CharField(source="region.name", read_only=True)
    snapshot = serializers.IntegerField(
        source="snapshot.version",
        read_only=True,
        allow_null=True,
        default=None,
        help_text="The version of the results the region saw when it submitted.",
    )
    items = AppealItemSerializer(many=True, read_only=True)

    class Meta:
        model = Appeal
        fields = [
            "cycle",
            "region",
            "region_name",
            "state",
            "created_at",
            "submitted_at",
            "snapshot",
            "items",
        ]


class ItemInput(serializers.Serializer):
    category = serializers.ChoiceField(choices=ItemCategory.choices, default=ItemCategory.OTHER)
    reason = serializers.CharField(max_length=filing.MAX_REASON)


class AppealEvidenceInput(serializers.Serializer):
    """A file (multipart) or a link."""

    file = serializers.FileField(required=False, allow_empty_file=True)
    url = serializers.CharField(required=False, allow_blank=True, default="", max_length=1000)
    description = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=500
    )

    def validate(self, data):
        if bool(data.get("file")) == bool(data.get("url")):
            raise serializers.ValidationError(_("Kirim satu berkas atau satu tautan."))
        return data


class DecisionInput(serializers.Serializer):
    decision = serializers.ChoiceField(choices=[Decision.ACCEPTED, Decision.REJECTED])
    value = serializers.DecimalField(
        **DECIMAL, help_text="The new final value (acceptance without `not_applicable`)."
    )
    not_applicable = serializers.BooleanField(default=False)
    reason = serializers.CharField(max_length=decisions.MAX_REASON)


class SummarySerializer(serializers.Serializer):
    year = serializers.IntegerField()
    appeals = serializers.IntegerField(help_text="Appeals submitted.")
    items = serializers.IntegerField(help_text="Indicators appealed.")
    accepted = serializers.IntegerField()
    rejected = serializers.IntegerField()


# --- The reply window ---------------------------------------------------------------------------


class AppealWindowViewSet(CycleNested, viewsets.GenericViewSet):
    """The reply window of a cycle (routes in ``api/urls.py``)."""

    serializer_class = WindowSerializer
    permission_classes = [Rules]
    rules_permissions = {
        "retrieve": "appeals.view_list",
        "update": "appeals.decide",
        "close": "appeals.decide",
    }
    filter_backends: list = []

    def get_queryset(self):
        return AppealWindow.objects.none()

    @extend_schema(responses=WindowSerializer)
    def retrieve(self, request, year=None):
        """The window (404 while it was never opened)."""
        found = window.window_of(self.get_cycle())
        if found is None:
            raise Http404
        return Response(WindowSerializer(found).data)

    @extend_schema(request=WindowInput, responses=WindowSerializer)
    def update(self, request, year=None):
        """Open the window until ``deadline``, or move its deadline (which reopens a window
        closed early): ``window.open_window`` (a final cycle with computed results)."""
        values = validated(WindowInput, request.data)
        opened = window.open_window(self.get_cycle(), deadline=values["deadline"], by=request.user)
        return Response(WindowSerializer(opened).data)

    @extend_schema(request=None, responses=WindowSerializer)
    def close(self, request, year=None):
        """Close the window now (``window.close_window``)."""
        closed = window.close_window(self.get_cycle(), by=request.user)
        return Response(WindowSerializer(closed).data)


# --- Appeals ------------------------------------------------------------------------------------

ITEM_PATH = f"items/(?P<indicator>{INDICATOR_CODE})"


@extend_schema_view(
    list=extend_schema(parameters=[YEAR]),
    retrieve=extend_schema(parameters=[YEAR]),
)
class AppealViewSet(CycleNested, viewsets.GenericViewSet):
    """The appeals of a cycle: the register (admins) and one region's appeal, read by the
    region's operator, its assigned assessors and admins; filed by the region's operator;
    decided by admins."""

    serializer_class = AppealSerializer
    permission_classes = [Rules]
    # Detail actions: who may see the region's appeal is `appeals.view_region` (``_party``,
    # else 404); the service called checks the permission to change it (else 403).
    rules_permissions = {
        "list": "appeals.decide",
        "retrieve": SIGNED_IN,
        "save_item": SIGNED_IN,
        "remove_item": SIGNED_IN,
        "add_evidence": SIGNED_IN,
        "submit": SIGNED_IN,
        "decide": SIGNED_IN,
    }
    lookup_field = "region__code"
    lookup_url_kwarg = "code"
    lookup_value_regex = REGION_CODE
    filter_backends: list = []

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema generator has no year
            return Appeal.objects.none()
        return register.cycle_appeals(self.get_cycle()).select_related("cycle", "snapshot")

    def _party(self) -> tuple[Cycle, Region, Appeal | None]:
        """The cycle, region and appeal (None before the region has one) of the URL, or 404
        unless the user may see the region's appeal page (``appeals.view_region`` on the
        region's submission of the cycle, as the web page asks)."""
        cycle = self.get_cycle()
        region = get_object_or_404(Region, code=self.kwargs["code"])
        submission = Submission.objects.filter(cycle=cycle, region=region).first()
        if not self.request.user.has_perm(
            "appeals.view_region", submission or Submission(cycle=cycle, region=region)
        ):
            raise Http404
        return cycle, region, self.get_queryset().filter(region=region).first()

    def _item(self, appeal: Appeal | None) -> AppealItem:
        if appeal is None:
            raise Http404
        return get_object_or_404(
            AppealItem.objects.select_related("appeal__cycle", "appeal__region", "indicator"),
            appeal=appeal,
            indicator__code=self.kwargs["indicator"],
        )

    def _appeal(self, appeal: Appeal) -> dict:
        return AppealSerializer(self.get_queryset().get(pk=appeal.pk)).data

    def list(self, request, *args, **kwargs):
        """The register: every appeal of the cycle (drafts included) with items, evidence,
        decisions and effect, by region code."""
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(AppealSerializer(page, many=True).data)

    def retrieve(self, request, *args, **kwargs):
        """One region's appeal (404 while the region has none)."""
        _cycle, _region, appeal = self._party()
        if appeal is None:
            raise Http404
        return Response(AppealSerializer(appeal).data)

    @extend_schema(
        methods=["put"], parameters=[YEAR], request=ItemInput, responses=AppealItemSerializer
    )
    @action(detail=True, methods=["put"], url_path=ITEM_PATH)
    def save_item(self, request, *args, **kwargs):
        """Add the indicator to the region's draft appeal (starting the appeal) or change its
        category and reason (``filing.save_item``: the region's operator, window open)."""
        cycle, region, _appeal = self._party()
        target = indicator_of(cycle, self.kwargs["indicator"])
        values = validated(ItemInput, request.data)
        item = filing.save_item(
            cycle,
            region,
            target,
            reason=values["reason"],
            category=values["category"],
            by=request.user,
        )
        return Response(AppealItemSerializer(item).data)

    @extend_schema(methods=["delete"], parameters=[YEAR], responses={204: None})
    @save_item.mapping.delete
    def remove_item(self, request, *args, **kwargs):
        """Take an item without evidence out of the draft (``filing.remove_item``)."""
        _cycle, _region, appeal = self._party()
        filing.remove_item(self._item(appeal), by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        parameters=[YEAR],
        request={
            "multipart/form-data": AppealEvidenceInput,
            "application/json": AppealEvidenceInput,
        },
        responses={201: AppealEvidenceSerializer},
    )
    @action(
        detail=True,
        methods=["post"],
        url_path=f"{ITEM_PATH}/evidence",
        parser_classes=[MultiPartParser, FormParser, JSONParser],
    )
    def add_evidence(self, request, *args, **kwargs):
        """New evidence for an item: a file (multipart ``file``, checked by content, size and
        name as self-assessment evidence) or a link (``url``); ``filing.add_file``/``add_link``."""
        _cycle, _region, appeal = self._party()
        item = self._item(appeal)
        values = validated(AppealEvidenceInput, request.data)
        if values.get("file"):
            added = filing.add_file(
                item, values["file"], description=values["description"], by=request.user
            )
        else:
            added = filing.add_link(
                item, values["url"], description=values["description"], by=request.user
            )
        return Response(AppealEvidenceSerializer(added).data, status=status.HTTP_201_CREATED)

    @extend_schema(parameters=[YEAR], request=None, responses=AppealSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request, *args, **kwargs):
        """Submit the appeal to the ministry, once (``filing.submit``)."""
        _cycle, region, appeal = self._party()
        if appeal is None:
            if not request.user.has_perm("appeals.file_appeal", region):
                raise PermissionDenied
            raise filing.AppealRefused(
                _("Tambahkan sedikitnya satu indikator yang disanggah sebelum mengajukan.")
            )
        submitted = filing.submit(appeal, by=request.user)
        return Response(self._appeal(submitted))

    @extend_schema(parameters=[YEAR], request=DecisionInput, responses=AppealItemSerializer)
    @action(detail=True, methods=["post"], url_path=f"{ITEM_PATH}/decide")
    def decide(self, request, *args, **kwargs):
        """Accept (with the new final value, or not applicable) or reject one item, with a
        reason (``decisions.decide``, admins); answers the item with its decision. A rejection's
        effect is recorded at once; an acceptance's (index and rank after) is null, with
        ``effect_pending`` true, until the results' background computation has finished
        (read the region's appeal again)."""
        _cycle, _region, appeal = self._party()
        item = self._item(appeal)
        if not request.user.has_perm("appeals.decide", item):
            raise PermissionDenied
        values = validated(DecisionInput, request.data)
        accept = values["decision"] == Decision.ACCEPTED
        decided = decisions.decide(
            item,
            accept=accept,
            reason=values["reason"],
            value=values.get("value") if accept else None,
            not_applicable=accept and values["not_applicable"],
            by=request.user,
        )
        decided.refresh_from_db()  # the effect, when the computation already ran
        return Response(AppealItemSerializer(decided).data)


# --- The public count ---------------------------------------------------------------------------


class AppealSummaryViewSet(viewsets.GenericViewSet):
    """The aggregate of a published cycle's appeals (no region, reason or evidence)."""

    serializer_class = SummarySerializer
    permission_classes = [Rules]
    rules_permissions = {"retrieve": ANYONE}
    filter_backends: list = []

    def get_queryset(self):
        return Cycle.objects.none()

    @extend_schema(
        parameters=[OpenApiParameter("year", int, OpenApiParameter.PATH)],
        responses=SummarySerializer,
    )
    def retrieve(self, request, year=None):
        """Counts of appeals filed and items accepted and rejected, once the cycle is published
        (``register.summary``); a cycle not published, or without a reply window, is a 404."""
        cycle = get_object_or_404(Cycle, year=year)
        counts = register.summary(cycle)
        if counts is None:
            raise Http404
        return Response(
            SummarySerializer(
                {
                    "year": cycle.year,
                    "appeals": counts.appeals,
                    "items": counts.items,
                    "accepted": counts.accepted,
                    "rejected": counts.rejected,
                }
            ).data
        )


__all__ = ["AppealSummaryViewSet", "AppealViewSet", "AppealWindowViewSet"]


# --- Appeal evidence ----------------------------------------------------------------------------


class AppealEvidenceViewSet(viewsets.GenericViewSet):
    """An appeal item's evidence file, streamed after the permission check that the web download
    (``appeals:evidence_download``) asks: ``appeals.view_appeal`` (admins, the region's
    operator, its assigned assessors); evidence of an appeal one may not read is a 404."""

    serializer_class = AppealEvidenceSerializer
    permission_classes = [Rules]
    rules_permissions = {"file": "appeals.view_appeal"}
    filter_backends: list = []

    def get_queryset(self):
        return AppealEvidence.objects.filter(
            item__appeal__in=register.visible_appeals(self.request.user)
        ).select_related("item__appeal__cycle", "item__appeal__region")

    @extend_schema(
        responses=stored_file_responses("The file, as an attachment, in the type it was stored.")
    )
    @action(detail=True, methods=["get"])
    def file(self, request, pk=None):
        """The stored file, as an attachment with its original name; 404 for a link."""
        evidence = self.get_object()
        if evidence.kind != EvidenceKind.FILE or not evidence.file:
            raise NotFound("This evidence is a link, not a file.")
        return stored_file_response(
            evidence.file, name=evidence.original_name, content_type=evidence.content_type
        )
