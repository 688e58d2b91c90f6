"""The masterplan area: public pages (published fields only), the region's editing pages
(operator of the region and admins), internal pages (plus the assessor assigned to the region),
the history, evidence downloads and the citations box of a self-assessment answer.

Objects of its own: Kota Jambi's masterplan 2018–2022 with a published and an unpublished
programme, a KPI and an evidence file, and an open cycle (2047) in which Kota Jambi has one
answer and the assigned assessor is assigned to it."""

from django.core.files.uploadedfile import SimpleUploadedFile

from kotacerdas.evaluations.models import Answer, CycleState
from kotacerdas.masterplans.models import Kpi
from kotacerdas.masterplans.services import evidence, xlsx
from tests import samples
from tests.factories import assign, enrol, make_cycle, make_instrument
from tests.masterplans.builders import make_masterplan, make_programme

from .framework import EVERYONE, OPERATOR_OWN, REGION_PARTIES, Case

YEAR = 2047
EDITORS = frozenset({"admin", "operator_own"})
VIEWERS = REGION_PARTIES  # admin, operator_own, assessor_assigned


def build(world):
    own = world.own_region
    operator = world.users["operator_own"]
    masterplan = make_masterplan(own)
    public = make_programme(masterplan, "GOV-01", budgets={2020: (10, 5)}, quick_wins=(2022,))
    hidden = make_programme(masterplan, "ENV-01", element="ENV.WAS", published=False)
    kpi = Kpi.objects.create(programme=public, code="K1", name="Layanan daring", unit="%")
    attachment = evidence.add(
        masterplan,
        programme=public,
        uploaded=SimpleUploadedFile("bukti.pdf", samples.pdf_bytes()),
        by=operator,
    )
    cycle = make_cycle(YEAR, CycleState.OPEN, make_instrument("matrix-masterplans"))
    submission = enrol(cycle, own)[0]
    assign(cycle, own, world.users["assessor_assigned"])
    answer = Answer.objects.create(
        submission=submission, indicator=cycle.instrument.indicators.get(code="GOV.SVC.01")
    )
    world.objects.update(
        mp_masterplan=masterplan,
        mp_public=public,
        mp_hidden=hidden,
        mp_kpi=kpi,
        mp_attachment=attachment,
        mp_answer=answer,
    )


def code(world):
    return {"code": world.own_region.code}


def plan(world):
    return {"pk": world.mp_masterplan.pk}


def public(world):
    return {"pk": world.mp_public.pk}


def answer(world):
    return {"answer_pk": world.mp_answer.pk}


MASTERPLAN = {"title": "Masterplan baru", "start_year": 2030, "end_year": 2034, "status": "draft"}
PROGRAMME = {
    "code": "GOV-02",
    "name": "Program uji",
    "element": "GOV.SVC",
    "kind": "application",
    "agency": "Diskominfo",
    "start_year": 2019,
    "end_year": 2020,
    "status": "planned",
}


def workbook(world):
    return {"file": SimpleUploadedFile("mp.xlsx", xlsx.write_workbook(world.mp_masterplan))}


CASES = [
    Case("masterplans:national", EVERYONE),
    Case("masterplans:catalogue", EVERYONE),
    Case(
        "masterplans:catalogue",
        EVERYONE,
        htmx=True,
        query=lambda w: {"q": "program"},
        note="htmx search",
    ),
    Case("masterplans:template", EVERYONE),
    Case("masterplans:region", EVERYONE, kwargs=code),
    Case("masterplans:detail", EVERYONE, kwargs=plan),
    Case("masterplans:dashboard", EVERYONE, kwargs=plan),
    Case("masterplans:programme", EVERYONE, kwargs=public),
    Case(
        "masterplans:programme",
        VIEWERS,
        kwargs=lambda w: {"pk": w.mp_hidden.pk},
        note="unpublished",
    ),
    Case("masterplans:export", VIEWERS, kwargs=plan),
    Case("masterplans:attachment_download", VIEWERS, kwargs=lambda w: {"pk": w.mp_attachment.pk}),
    Case("masterplans:create", EDITORS, kwargs=code),
    Case("masterplans:create", EDITORS, method="post", kwargs=code, data=lambda w: MASTERPLAN),
    Case("masterplans:import", EDITORS, kwargs=code),
    Case("masterplans:import", EDITORS, method="post", kwargs=code, data=workbook),
    Case("masterplans:edit", EDITORS, kwargs=plan),
    Case(
        "masterplans:edit",
        EDITORS,
        method="post",
        kwargs=plan,
        htmx=True,
        data=lambda w: {**MASTERPLAN, "start_year": 2018, "end_year": 2022, "version": 1},
    ),
    Case("masterplans:history", EDITORS, kwargs=plan),
    Case(
        "masterplans:document_add",
        EDITORS,
        method="post",
        kwargs=plan,
        data=lambda w: {"url": "https://jambikota.go.id/perda-1-2019"},
    ),
    Case(
        "masterplans:programme_create",
        EDITORS,
        kwargs=lambda w: {"masterplan_pk": w.mp_masterplan.pk},
    ),
    Case(
        "masterplans:programme_create",
        EDITORS,
        method="post",
        htmx=True,
        kwargs=lambda w: {"masterplan_pk": w.mp_masterplan.pk},
        data=lambda w: PROGRAMME,
    ),
    Case("masterplans:programme_edit", EDITORS, kwargs=public),
    Case(
        "masterplans:programme_edit",
        EDITORS,
        method="post",
        htmx=True,
        kwargs=public,
        data=lambda w: {**PROGRAMME, "code": "GOV-01", "version": 1},
    ),
    Case("masterplans:budgets", EDITORS, kwargs=public),
    Case(
        "masterplans:budgets",
        EDITORS,
        method="post",
        htmx=True,
        kwargs=public,
        data=lambda w: {"first_2021": "1.000", "second_2021": "900"},
    ),
    Case("masterplans:kpi_create", EDITORS, kwargs=lambda w: {"programme_pk": w.mp_public.pk}),
    Case(
        "masterplans:kpi_create",
        EDITORS,
        method="post",
        kwargs=lambda w: {"programme_pk": w.mp_public.pk},
        data=lambda w: {
            "kpi-code": "K2",
            "kpi-name": "Pengguna",
            "kpi-unit": "orang",
            "kpi-direction": "up",
            "values-first_2022": "100",
        },
    ),
    Case("masterplans:kpi_edit", EDITORS, kwargs=lambda w: {"pk": w.mp_kpi.pk}),
    Case(
        "masterplans:evidence_add",
        EDITORS,
        method="post",
        kwargs=public,
        data=lambda w: {"file": SimpleUploadedFile("b.pdf", samples.pdf_bytes())},
    ),
    Case("masterplans:programme_history", EDITORS, kwargs=public),
    Case(
        "masterplans:attachment_replace",
        EDITORS,
        method="post",
        kwargs=lambda w: {"pk": w.mp_attachment.pk},
        data=lambda w: {"url": "https://jambikota.go.id/bukti"},
    ),
    Case("masterplans:citations", VIEWERS, kwargs=answer),
    Case(
        "masterplans:cite",
        OPERATOR_OWN,
        method="post",
        htmx=True,
        kwargs=answer,
        data=lambda w: {"programme": w.mp_public.pk},
    ),
    Case(
        "masterplans:uncite",
        OPERATOR_OWN,
        method="post",
        htmx=True,
        kwargs=answer,
        data=lambda w: {"programme": w.mp_public.pk},
    ),
]
