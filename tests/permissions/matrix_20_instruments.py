"""Instruments: list, detail, import, export, copy, aspect weights, crosswalks.

Admins do everything. A draft instrument is the ministry's work in progress: only admins read it.
A frozen instrument (its cycle has opened) can be read and downloaded by every signed-in user,
because operators answer it and assessors score against it; nobody else changes it.
"""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from kotacerdas.core.taxonomy import Aspect
from kotacerdas.instruments.services import DEFAULT_INSTRUMENT, suggest_crosswalk
from tests.factories import make_instrument

from .framework import ADMIN_ONLY, SIGNED_IN, Case


def build(world) -> None:
    draft = make_instrument("perm-draft")
    frozen = make_instrument("perm-frozen")
    frozen.frozen_at = timezone.now()
    frozen.save()
    world.objects["instrument_draft"] = draft
    world.objects["instrument_frozen"] = frozen
    world.objects["crosswalk"] = suggest_crosswalk(frozen, draft)


def _draft(world) -> dict:
    return {"code": world.instrument_draft.code}


def _frozen(world) -> dict:
    return {"code": world.instrument_frozen.code}


def _crosswalk(world) -> dict:
    return {"pk": world.crosswalk.pk}


def _upload(world) -> dict:
    content = DEFAULT_INSTRUMENT.read_bytes()
    return {"file": SimpleUploadedFile("instrumen.yaml", content), "code": "perm-import"}


def _weights(world) -> dict:
    return dict.fromkeys(Aspect.values, "20")


def _empty_formset(world) -> dict:
    return {"entries-TOTAL_FORMS": "0", "entries-INITIAL_FORMS": "0"}


def _csv(world) -> dict:
    header = b"kind,source_code,target_code,rescale,note\n"
    return {"file": SimpleUploadedFile("crosswalk.csv", header, content_type="text/csv")}


CASES = [
    Case("instruments:list", SIGNED_IN),
    Case("instruments:detail", SIGNED_IN, kwargs=_frozen, note="frozen"),
    Case("instruments:detail", ADMIN_ONLY, kwargs=_draft, note="draft"),
    Case("instruments:export_yaml", SIGNED_IN, kwargs=_frozen, note="frozen"),
    Case("instruments:export_yaml", ADMIN_ONLY, kwargs=_draft, note="draft"),
    Case("instruments:export_xlsx", SIGNED_IN, kwargs=_frozen, note="frozen"),
    Case("instruments:export_xlsx", ADMIN_ONLY, kwargs=_draft, note="draft"),
    Case("instruments:import", ADMIN_ONLY),
    Case("instruments:import", ADMIN_ONLY, method="post", data=_upload),
    Case("instruments:copy", ADMIN_ONLY, kwargs=_frozen),
    Case(
        "instruments:copy",
        ADMIN_ONLY,
        method="post",
        kwargs=_frozen,
        data=lambda w: {"code": "perm-copy", "name": "Salinan uji"},
    ),
    Case("instruments:aspects", ADMIN_ONLY, method="post", kwargs=_draft, data=_weights),
    Case("instruments:crosswalk_start", ADMIN_ONLY),
    Case(
        "instruments:crosswalk_start",
        ADMIN_ONLY,
        method="post",
        data=lambda w: {"source": w.instrument_draft.pk, "target": w.instrument_frozen.pk},
    ),
    Case("instruments:crosswalk", ADMIN_ONLY, kwargs=_crosswalk),
    Case(
        "instruments:crosswalk", ADMIN_ONLY, method="post", kwargs=_crosswalk, data=_empty_formset
    ),
    Case("instruments:crosswalk_suggest", ADMIN_ONLY, method="post", kwargs=_crosswalk),
    Case("instruments:crosswalk_export", ADMIN_ONLY, kwargs=_crosswalk),
    Case("instruments:crosswalk_import", ADMIN_ONLY, method="post", kwargs=_crosswalk, data=_csv),
]
