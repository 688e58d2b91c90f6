"""Embargoed releases: a published version is frozen at once but public only from its release
time on, on every public surface, with the cache crossing the release moment untouched; admins
preview it with a banner; release history and dated corrections.

The clock is fixed by patching ``django.utils.timezone.now`` (no clock library in the lock file).
"""

import re
from datetime import UTC, datetime, timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from kotacerdas.accounts.roles import Role
from kotacerdas.core.errors import ServiceError
from kotacerdas.evaluations.models import CycleState
from kotacerdas.evaluations.services import lifecycle
from kotacerdas.regions.models import Region
from kotacerdas.results.choices import ComputationPurpose, SnapshotState
from kotacerdas.results.models import Computation, Snapshot
from kotacerdas.results.services import computation, compute, corrections, publication, published
from tests.conftest import make_user

from .builders import INDICES, cohort, make_evaluated_cycle, make_stored_snapshot, publish_cycle

T0 = datetime(2023, 1, 20, 2, 0, tzinfo=UTC)  # 20 January 2023, 09.00 WIB
RELEASE = T0 + timedelta(hours=1)  # 10.00 WIB
CORRECTED = {**INDICES, "15.71": 85.0}  # Kota Jambi 3,31 → 4,25 and from rank 2 to rank 1
REASON = "Koreksi data dukung Kota Jambi"


class Clock:
    """A fixed clock the test moves by hand."""

    def __init__(self, now: datetime):
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock(monkeypatch):
    found = Clock(T0)
    monkeypatch.setattr(timezone, "now", found)
    return found


@pytest.fixture
def admin(db):
    return make_user("admin.embargo", Role.ADMIN)


def text_of(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def embargo(snapshot: Snapshot, until: datetime = RELEASE) -> Snapshot:
    Snapshot.objects.filter(pk=snapshot.pk).update(released_at=until)
    snapshot.refresh_from_db()
    return snapshot


def jambi_row(page: str) -> str:
    return re.search(r'<tr data-region="15.71">(.*?)</tr>', page).group(1)


PUBLIC_PAGES = [
    ("results:ranking", [2022]),
    ("results:profile", [2022, "15.71"]),
    ("results:methodology", [2022]),
    ("results:map", [2022]),
    ("results:export", [2022, "csv"]),
    ("results:export", [2022, "xlsx"]),
    ("results:export", [2022, "json"]),
    ("results:region_export", [2022, "15.71", "json"]),
    ("reports:report_card", [2022, "15.71"]),
    ("reports:national", [2022]),
]
API = ["/api/v1/results/2022/", "/api/v1/results/2022/15.71/", "/api/v1/results/2022/?format=csv"]


def test_a_first_publication_under_embargo_is_public_on_no_surface_until_its_release(
    client, clock, db
):
    cohort()
    operator = make_user("operator.jambi", Role.OPERATOR, region=Region.objects.get(code="15.71"))
    snapshot = embargo(publish_cycle(2022, INDICES))
    assert snapshot.is_published and snapshot.is_embargoed
    api = APIClient()

    def everything() -> dict[str, int]:
        statuses = {}
        for name, args in PUBLIC_PAGES:
            statuses[f"{name}{args}"] = client.get(reverse(name, args=args)).status_code
        for url in API:
            statuses[url] = api.get(url).status_code
        return statuses

    assert set(everything().values()) == {404}
    assert "/hasil/2022/" not in text_of(client.get(reverse("results:index")))
    assert "Kota Bandung" not in text_of(client.get(reverse("core:home")))
    assert api.get("/api/v1/results/").json() == []
    assert published.published_cycles().count() == 0
    client.force_login(operator)
    mine = text_of(client.get(reverse("results:my_results")))
    assert "3,31" not in mine and "Catatan rahasia asesor" not in mine
    client.logout()

    clock.now = RELEASE  # the release moment: nobody touches the cache
    assert set(everything().values()) == {200}
    assert "Kota Jambi" in jambi_row(text_of(client.get(reverse("results:ranking", args=[2022]))))
    assert "/hasil/2022/" in text_of(client.get(reverse("results:index")))
    assert "Kota Bandung" in text_of(client.get(reverse("core:home")))
    listed = api.get("/api/v1/results/").json()
    assert [(row["year"], row["released_at"]) for row in listed] == [
        (2022, "2023-01-20T10:00:00+07:00")
    ]
    assert api.get("/api/v1/results/2022/15.71/").json()["display"] == 3.31
    client.force_login(operator)
    assert "3,31" in text_of(client.get(reverse("results:my_results")))


def test_a_correction_under_embargo_keeps_the_released_version_public_until_its_release(
    client, clock, db
):
    cohort()
    first = publish_cycle(2022, INDICES)  # released at T0
    clock.now = T0 + timedelta(minutes=10)
    second = embargo(make_stored_snapshot(first.cycle, CORRECTED, version=2))
    Snapshot.objects.filter(pk=second.pk).update(note=REASON)
    api = APIClient()

    # Every page and export is read (and cached) while version 2 is under embargo.
    ranking = text_of(client.get(reverse("results:ranking", args=[2022])))
    assert "3,31" in jambi_row(ranking) and "<strong>2</strong>" in jambi_row(ranking)
    for name, args in PUBLIC_PAGES:
        assert client.get(reverse(name, args=args)).status_code == 200
    assert api.get("/api/v1/results/2022/15.71/").json()["snapshot_version"] == 1
    export = client.get(reverse("results:export", args=[2022, "json"])).content.decode()
    assert '"snapshot_version": 1' in export and "85.0" not in export
    methodology = text_of(client.get(reverse("results:methodology", args=[2022])))
    assert "Versi 1" in methodology and "Versi 2" not in methodology and REASON not in methodology
    assert "Dikoreksi" not in text_of(client.get(reverse("results:profile", args=[2022, "15.71"])))

    clock.now = RELEASE  # the cache is not touched
    ranking = text_of(client.get(reverse("results:ranking", args=[2022])))
    assert "4,25" in jambi_row(ranking) and "<strong>1</strong>" in jambi_row(ranking)
    assert api.get("/api/v1/results/2022/15.71/").json()["snapshot_version"] == 2
    export = client.get(reverse("results:export", args=[2022, "json"])).content.decode()
    assert '"snapshot_version": 2' in export and "85.0" in export
    history = text_of(client.get(reverse("results:methodology", args=[2022])))
    history = history[history.index('id="riwayat-rilis"') :]
    assert "Versi 2" in history and "dirilis 20 Januari 2023 pukul 10.00 WIB" in history
    assert f"Alasan: {REASON}" in history
    jambi = re.search(r"Kota Jambi <small[^>]*>15.71</small>(.*?)</tr>", history).group(1)
    assert "3,31 → 4,25" in jambi and "2 → 1" in jambi
    assert "Kabupaten Muaro Jambi" not in history  # unchanged regions are not listed
    profile = text_of(client.get(reverse("results:profile", args=[2022, "15.71"])))
    assert f"Dikoreksi pada 20 Jan 2023: {REASON}" in profile
    unchanged = text_of(client.get(reverse("results:profile", args=[2022, "15.05"])))
    assert "Dikoreksi" not in unchanged


def test_the_remembered_snapshot_of_a_year_expires_at_the_release(clock, db):
    from kotacerdas.results.services import cache

    cohort()
    first = publish_cycle(2022, INDICES)
    second = embargo(
        make_stored_snapshot(first.cycle, CORRECTED, version=2), T0 + timedelta(seconds=3)
    )
    loads = []

    def load():
        loads.append(clock.now)
        return published.snapshot_for_year(2022)

    assert cache.current(2022, load) == first
    clock.now = T0 + timedelta(seconds=2)
    assert cache.current(2022, load) == first and len(loads) == 1  # remembered
    clock.now = T0 + timedelta(seconds=3)
    assert cache.current(2022, load) == second and len(loads) == 2  # not POINTER_SECONDS later


def test_admins_preview_an_embargo_with_a_banner_and_nothing_leaks_through_the_cache(
    client, clock, admin, db
):
    cohort()
    first = publish_cycle(2022, INDICES)
    clock.now = T0 + timedelta(minutes=10)
    embargo(make_stored_snapshot(first.cycle, CORRECTED, version=2))
    client.force_login(admin)
    banner = "Diembargo hingga 20 Januari 2023 pukul 10.00 WIB"
    for name, args in PUBLIC_PAGES[:4]:
        page = text_of(client.get(reverse(name, args=args)))
        assert banner in page, name
    ranking = text_of(client.get(reverse("results:ranking", args=[2022])))
    assert "4,25" in jambi_row(ranking)
    export = client.get(reverse("results:export", args=[2022, "json"])).content.decode()
    assert '"snapshot_version": 2' in export
    listing = text_of(client.get(reverse("results:index")))
    assert "versi 2" in listing and banner in listing
    dashboard = text_of(client.get(reverse("results:dashboard", args=[2022])))
    assert banner in dashboard
    v1 = re.search(r'data-testid="release-1">(.*?)</td>', dashboard).group(1)
    v2 = re.search(r'data-testid="release-2">(.*?)</td>', dashboard).group(1)
    assert "tampil ke publik" in v1 and "diembargo" in v2 and "20-01-2023 10.00 WIB" in v2

    client.logout()  # the public, after the admin's preview: still version 1
    ranking = text_of(client.get(reverse("results:ranking", args=[2022])))
    assert "3,31" in jambi_row(ranking) and "Diembargo" not in ranking
    listing = text_of(client.get(reverse("results:index")))
    assert "versi 2" not in listing and "Diembargo" not in listing
    export = client.get(reverse("results:export", args=[2022, "json"])).content.decode()
    assert '"snapshot_version": 1' in export
    methodology = text_of(client.get(reverse("results:methodology", args=[2022])))
    assert "Versi 2" not in methodology


def test_the_diff_lists_regions_whose_index_or_rank_changed(db, clock):
    cohort()
    first = publish_cycle(2022, INDICES)
    without_bandung = {code: v for code, v in CORRECTED.items() if code != "32.04"}
    second = make_stored_snapshot(first.cycle, without_bandung, version=2)
    changes = {change.code: change for change in corrections.diff(first, second)}
    # Kabupaten Bandung (rank 4) left: Kabupaten Muaro Jambi moves up from 5 to 4.
    assert set(changes) == {"15.71", "32.73", "32.04", "15.05"}
    jambi, kota_bandung, gone = changes["15.71"], changes["32.73"], changes["32.04"]
    muaro = changes["15.05"]
    assert (muaro.index_changed, muaro.old_rank, muaro.new_rank) == (False, 5, 4)
    assert (jambi.old_display, jambi.new_display, jambi.old_rank, jambi.new_rank) == (
        3.31,
        4.25,
        2,
        1,
    )
    assert kota_bandung.index_changed is False and (
        kota_bandung.old_rank,
        kota_bandung.new_rank,
    ) == (
        1,
        2,
    )
    assert (gone.name, gone.new_display, gone.new_rank) == ("Kabupaten Bandung", None, None)
    assert corrections.diff(first, first) == []
    releases = corrections.releases(second)
    assert [(r.version, r.correction, len(r.changes)) for r in releases] == [
        (2, True, 4),
        (1, False, 0),
    ]
    assert [r.version for r in corrections.for_region(second, "15.71")] == [2]
    assert corrections.for_region(second, "15") == []


def test_release_times_are_validated(db, clock):
    cohort()
    cycle = publish_cycle(2022, INDICES).cycle
    Snapshot.objects.filter(cycle=cycle).update(released_at=RELEASE)
    assert publication.check_release_at(cycle, None) is None
    with pytest.raises(ServiceError, match="sudah lewat"):
        publication.check_release_at(cycle, T0 - timedelta(minutes=2))
    with pytest.raises(ServiceError, match="lebih awal dari rilis versi sebelumnya"):
        publication.check_release_at(cycle, T0 + timedelta(minutes=30))
    assert publication.check_release_at(cycle, RELEASE) == RELEASE
    naive = datetime(2023, 1, 20, 12, 0)  # read as Jakarta time
    assert publication.check_release_at(cycle, naive) == datetime(2023, 1, 20, 5, 0, tzinfo=UTC)


def test_publishing_through_the_lifecycle_stores_the_release_time(admin, clock, db):
    cycle = make_evaluated_cycle(2022)
    compute.compute_results(cycle, by=admin, samples=100)
    with pytest.raises(ServiceError, match="sudah lewat"):
        lifecycle.transition(
            cycle, CycleState.PUBLISHED, by=admin, release_at=T0 - timedelta(hours=1)
        )
    cycle.refresh_from_db()
    assert cycle.state == CycleState.FINAL  # refused: nothing written
    assert not Snapshot.objects.filter(state=SnapshotState.PUBLISHED).exists()
    lifecycle.transition(cycle, CycleState.PUBLISHED, by=admin, release_at=RELEASE)
    snapshot = publication.latest(cycle)
    assert (snapshot.published_at, snapshot.released_at) == (T0, RELEASE)
    assert published.current_snapshot(cycle) is None
    assert published.current_snapshot(cycle, preview=True) == snapshot
    clock.now = RELEASE
    assert published.current_snapshot(cycle) == snapshot


def test_the_publish_form_takes_a_release_time_in_jakarta_time(client, admin, clock, db):
    cycle = make_evaluated_cycle(2022)
    compute.compute_results(cycle, by=admin, samples=100)
    client.force_login(admin)
    url = reverse("evaluations:cycle_transition", args=[2022])
    page = text_of(client.get(reverse("evaluations:cycle_detail", args=[2022])))
    assert 'name="release_at"' in page and "Waktu rilis ke publik (WIB)" in page
    refused = text_of(
        client.post(url, {"to_state": "published", "release_at": "besok"}, follow=True)
    )
    assert "Waktu rilis tidak valid" in refused
    past = text_of(
        client.post(url, {"to_state": "published", "release_at": "2023-01-20T08:00"}, follow=True)
    )
    assert "Waktu rilis 20 Januari 2023 pukul 08.00 WIB sudah lewat" in past
    cycle.refresh_from_db()
    assert cycle.state == CycleState.FINAL
    client.post(url, {"to_state": "published", "release_at": "2023-01-20T12:00"})
    cycle.refresh_from_db()
    assert cycle.state == CycleState.PUBLISHED
    assert publication.latest(cycle).released_at == datetime(2023, 1, 20, 5, 0, tzinfo=UTC)


def test_the_api_transition_takes_a_release_time(admin, clock, db):
    cycle = make_evaluated_cycle(2022)
    compute.compute_results(cycle, by=admin, samples=100)
    api = APIClient()
    api.force_authenticate(admin)
    url = "/api/v1/cycles/2022/transition/"
    past = api.post(url, {"to": "published", "release_at": "2023-01-19T10:00:00+07:00"}, "json")
    assert past.status_code in (400, 409) and "sudah lewat" in past.content.decode()
    done = api.post(url, {"to": "published", "release_at": "2023-01-20T12:00:00+07:00"}, "json")
    assert done.status_code == 200 and done.json()["state"] == CycleState.PUBLISHED
    assert publication.latest(cycle).released_at == datetime(2023, 1, 20, 5, 0, tzinfo=UTC)
    assert APIClient().get("/api/v1/results/2022/").status_code == 404
    clock.now = datetime(2023, 1, 20, 5, 0, tzinfo=UTC)
    assert APIClient().get("/api/v1/results/2022/").json()["count"] == 5


def test_a_republication_takes_a_release_time_through_its_background_computation(
    client, admin, clock, settings, django_capture_on_commit_callbacks
):
    cycle = make_evaluated_cycle(2022)
    compute.compute_results(cycle, by=admin, samples=100)
    lifecycle.transition(cycle, CycleState.PUBLISHED, by=admin)
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    client.force_login(admin)
    url = reverse("results:republish", args=[2022])
    page = text_of(client.get(reverse("results:dashboard", args=[2022])))
    assert 'name="release_at"' in page
    past = {"reason": REASON, "samples": 100, "release_at": "2023-01-19T10:00"}
    assert "sudah lewat" in text_of(client.post(url, past, follow=True))
    assert not Computation.objects.filter(purpose=ComputationPurpose.REPUBLISH).exists()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"reason": REASON, "samples": 100, "release_at": "2023-01-20T10:00"})
    job = computation.current(cycle)
    assert job.release_at == RELEASE
    computation.run(job.pk)
    job.refresh_from_db()
    assert (job.snapshot.version, job.snapshot.released_at) == (2, RELEASE)
    assert published.current_snapshot(cycle).version == 1  # until 10.00 WIB
    clock.now = RELEASE
    assert published.current_snapshot(cycle).version == 2


def test_only_admins_republish_with_a_release_time(db, clock):
    cohort()
    cycle = publish_cycle(2022, INDICES).cycle
    operator = make_user("operator.x", Role.OPERATOR, region=Region.objects.get(code="15.71"))
    with pytest.raises(PermissionDenied):
        publication.republish(cycle, by=operator, reason=REASON, release_at=RELEASE)


def test_a_correction_of_an_earlier_year_reaches_the_cached_trend_of_a_later_year(
    client, clock, db
):
    cohort()
    first = publish_cycle(2022, INDICES)
    publish_cycle(2023, {**INDICES, "15.71": 70.0})
    url = reverse("results:profile", args=[2023, "15.71"])

    def trend(page: str) -> str:
        table = page[page.index("Indeks dari tahun ke tahun") :]
        return re.search(r'<th scope="row">2022</th>(.*?)</tr>', table).group(1)

    assert "3,31" in trend(text_of(client.get(url)))  # read, and cached under 2023's snapshot
    clock.now = T0 + timedelta(minutes=10)
    make_stored_snapshot(first.cycle, CORRECTED, version=2)  # 2022 corrected, released at once
    corrected = trend(text_of(client.get(url)))
    assert "4,25" in corrected and "3,31" not in corrected
