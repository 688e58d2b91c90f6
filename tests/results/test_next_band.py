"""The road to the next predicate band: computed with the results, stored, and shown on the
public profile, the operator's results page, the report card and the API."""

import io
import re

import pandas as pd
import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from pypdf import PdfReader

from kotacerdas import index
from kotacerdas.accounts.roles import Role
from kotacerdas.core.numbers import localised
from kotacerdas.evaluations.models import Cycle, CycleState
from kotacerdas.instruments.models import LevelDescriptor
from kotacerdas.regions.models import Region
from kotacerdas.results.models import RegionResult
from kotacerdas.results.services import compute, inputs, publication
from kotacerdas.results.templatetags.results import signed
from tests.conftest import make_user

from .builders import make_evaluated_cycle

SAMPLES = 50


@pytest.fixture
def admin(db):
    return make_user("admin.band", Role.ADMIN)


@pytest.fixture
def computed(db, admin):
    """Cycle 2022 of the cohort computed (not published); level 4 has an English descriptor."""
    cycle = make_evaluated_cycle(2022)
    LevelDescriptor.objects.filter(indicator__instrument=cycle.instrument, level=4).update(
        description_en="Level four in English"
    )
    compute.compute_results(cycle, by=admin, samples=SAMPLES)
    return cycle


@pytest.fixture
def published(computed, admin):
    Cycle.objects.filter(pk=computed.pk).update(
        state=CycleState.PUBLISHED, published_at=timezone.now()
    )
    computed.refresh_from_db()
    publication.publish_snapshot(computed, by=admin)
    return computed


def road(code: str) -> dict:
    return RegionResult.objects.get(region__code=code).next_band


def applied(values: pd.DataFrame, unit: str, steps: list[dict]) -> pd.DataFrame:
    changed = values.copy()
    for step in steps:
        mask = (changed["unit"] == unit) & (changed["indicator"] == step["code"])
        changed.loc[mask, "value"] = step["to"]
    return changed


def test_each_region_below_the_top_gets_the_steps_that_build_confirms(computed):
    data = inputs.build_inputs(computed)
    scale = data.config.display_scale / 100
    built = index.build(data.main_tree, data.values, data.config)
    for result in RegionResult.objects.select_related("region"):
        unit, stored = result.region.code, result.next_band
        band = index.next_band(data.config, float(built.index[unit]))
        assert stored["predicate"] == result.predicate
        if band is None:
            assert stored["band"] is None and "steps" not in stored
            continue
        assert stored["band"] == band.label
        assert stored["target"] == pytest.approx(band.min)  # display scale 5
        assert stored["index"] == result.display
        assert stored["gap"] == pytest.approx(round(stored["target"] - result.display, 2))
        assert stored["reachable"] and stored["steps"]
        # Each running index is the index build() gives with the raises so far applied.
        for count in range(1, len(stored["steps"]) + 1):
            changed = applied(data.values, unit, stored["steps"][:count])
            rebuilt = index.build(data.main_tree, changed, data.config).index[unit]
            assert stored["steps"][count - 1]["index"] == pytest.approx(rebuilt * scale, abs=1e-9)
        final = index.build(
            data.main_tree, applied(data.values, unit, stored["steps"]), data.config
        )
        assert final.predicate[unit] == band.label
        # The same numbers as the engine's path.
        path = index.path_to(data.main_tree, data.values, data.config, unit, band.min * 20)
        assert [s["code"] for s in stored["steps"]] == path.steps["indicator"].tolist()
        assert [s["gain"] for s in stored["steps"]] == pytest.approx(
            path.steps["gain_display"].tolist()
        )


def test_a_level_step_carries_the_descriptor_of_the_level_to_reach(computed):
    steps = [s for r in RegionResult.objects.all() for s in r.next_band.get("steps", [])]
    levels = [s for s in steps if s["type"] == "level"]
    assert levels
    for step in levels:
        descriptor = LevelDescriptor.objects.get(
            indicator__instrument=computed.instrument,
            indicator__code=step["code"],
            level=step["to"],
        )
        assert step["to_text"] == descriptor.description
        assert step["to_text_en"] == descriptor.description_en
    assert any(s["type"] == "percent" and s["to"] == 100 for s in steps)
    # Bandung is in the top band: a sentence, no steps.
    top = road("32.73")
    assert top["band"] is None and top["predicate"] == "Memuaskan"


def expected_summary(stored: dict) -> str:
    with translation.override("id"):
        return (
            f"Menuju predikat «{stored['band']}»: kurang {localised(stored['gap'], 2)} poin "
            f"(indeks {localised(stored['index'], 2)} → {localised(stored['target'], 2)})."
        )


def profile_page(client, code: str, language: str = "id") -> str:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client.get(reverse("results:profile", args=[2022, code])).content.decode()


def test_the_published_pages_show_the_stored_road(client, published):
    stored = road("15.71")
    page = profile_page(client, "15.71")
    assert expected_summary(stored) in page
    table = page.split('data-testid="next-band-steps"')[1].split("</table>")[0]
    rows = table.split("<tr>")[2:]
    assert len(rows) == len(stored["steps"])
    for row, step in zip(rows, stored["steps"], strict=True):
        assert step["code"] in row
        with translation.override("id"):
            assert signed(step["gain"], 3) in row
            assert localised(step["index"], 2) in row
        if step["to_text"]:
            assert step["to_text"] in row
    # In English: the English descriptor where the instrument has one.
    assert any(s["to_text_en"] for s in stored["steps"]), "Jambi is expected to reach level 4"
    page = profile_page(client, "15.71", "en")
    with translation.override("en"):
        gap = localised(stored["gap"], 2)
    assert "Level four in English" in page
    assert f"{gap} points short" in page
    # The region's operator sees it on their results page; the API gives it.
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "id"
    operator = make_user("op.band", Role.OPERATOR, region=Region.objects.get(code="15.71"))
    client.force_login(operator)
    assert expected_summary(stored) in client.get(reverse("results:my_results")).content.decode()
    data = client.get(reverse("api:results-region", args=[2022, "15.71"])).json()
    assert data["next_band"] == stored
    # The report card holds the section.
    content = client.get(reverse("reports:report_card", args=[2022, "15.71"])).content
    reader = PdfReader(io.BytesIO(content))
    text = re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages))
    assert "Menuju predikat berikutnya" in text
    assert expected_summary(stored) in text
    assert stored["steps"][0]["code"] in text


def test_the_top_band_and_an_unreachable_band_get_a_sentence(client, published):
    page = profile_page(client, "32.73")
    assert "sudah berada pada predikat tertinggi, «Memuaskan»" in page
    assert 'data-testid="next-band-steps"' not in page
    far = RegionResult.objects.get(region__code="15.05")
    far.next_band = {**far.next_band, "reachable": False, "best": 3.2, "steps": []}
    far.save()
    page = profile_page(client, "15.05")
    assert 'data-testid="next-band-unreachable"' in page
    assert "indeks menjadi 3,20" in page


def test_nothing_is_public_before_publication(client, computed):
    assert client.get(reverse("results:profile", args=[2022, "15.71"])).status_code == 404
    operator = make_user("op.band", Role.OPERATOR, region=Region.objects.get(code="15.71"))
    client.force_login(operator)
    page = client.get(reverse("results:my_results")).content.decode()
    assert 'data-testid="next-band"' not in page
    assert client.get(reverse("api:results-region", args=[2022, "15.71"])).status_code == 404
