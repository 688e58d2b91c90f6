"""Checking and archiving link evidence: a background task fetches the link from a local HTTP
server (private addresses allowed for the test), records status, final URL, type, size and
SHA-256, keeps a copy readable only through the permission-checked view; private addresses are
refused by default (SSRF); the whole feature is off unless switched on."""

import hashlib
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from kotacerdas.accounts.roles import Role
from kotacerdas.core.errors import ServiceError
from kotacerdas.evaluations.models import Evidence, LinkCheck, LinkCheckState
from kotacerdas.evaluations.services import evidence as service
from kotacerdas.evaluations.services import links
from kotacerdas.instruments.models import Indicator
from tests.conftest import make_user
from tests.evaluations.cycle_setup import open_cycle, submission_of
from tests.factories import assign

pytestmark = pytest.mark.django_db

PAGE = b"<html><body>SK Wali Kota Jambi tentang MPP</body></html>"


class Handler(BaseHTTPRequestHandler):
    seen: list[str] = []

    def do_GET(self):
        Handler.seen.append(self.path)
        routes = {
            "/sk": (200, "text/html; charset=utf-8", PAGE, None),
            "/hilang": (404, "text/html", b"not found", None),
            "/pindah": (302, "text/plain", b"", "/sk"),
            "/putar": (302, "text/plain", b"", "/putar"),
            "/berkas-lokal": (302, "text/plain", b"", "file:///etc/passwd"),
            "/besar": (200, "application/pdf", b"%PDF" + b"0" * 5000, None),
        }
        status, kind, body, location = routes.get(self.path, (404, "text/plain", b"", None))
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        if location:
            self.send_header("Location", location)
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def server():
    Handler.seen = []
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def checking(settings):
    settings.KOTACERDAS_LINK_CHECK = True
    settings.KOTACERDAS_LINK_CHECK_ALLOW_PRIVATE = True
    return settings


@pytest.fixture
def cycle(jambi, bandung):
    return open_cycle(jambi, bandung)


@pytest.fixture
def submission(cycle, jambi):
    return submission_of(cycle, jambi)


@pytest.fixture
def mpp(cycle):
    return Indicator.objects.get(instrument=cycle.instrument, code="GOV.SVC.01")


@pytest.fixture
def assessor(cycle, jambi):
    user = make_user("asesor.jambi", Role.ASSESSOR)
    assign(cycle, jambi, user)
    return user


def add(submission, mpp, operator, url, capture) -> LinkCheck:
    with capture(execute=True):
        evidence = service.add_link(submission, mpp, url, by=operator)
    return LinkCheck.objects.get(evidence=evidence)


def test_a_new_link_is_fetched_and_archived(
    checking, server, submission, mpp, operator, django_capture_on_commit_callbacks
):
    check = add(submission, mpp, operator, f"{server}/sk", django_capture_on_commit_callbacks)
    assert check.state == LinkCheckState.DONE
    assert (check.status_code, check.status_text) == (200, "200 OK")
    assert check.final_url == f"{server}/sk"
    assert check.content_type == "text/html"
    assert (check.size, check.sha256) == (len(PAGE), hashlib.sha256(PAGE).hexdigest())
    assert check.archive.name.startswith("link-archive/2022/15.71/")
    with check.archive.open("rb") as copy:
        assert copy.read() == PAGE
    assert check.checked_at is not None and check.error == ""
    assert check.requested_by == operator


def test_redirects_are_followed_to_the_final_url(
    checking, server, submission, mpp, operator, django_capture_on_commit_callbacks
):
    check = add(submission, mpp, operator, f"{server}/pindah", django_capture_on_commit_callbacks)
    assert (check.status_code, check.final_url) == (200, f"{server}/sk")
    assert Handler.seen == ["/pindah", "/sk"]


def test_a_missing_page_is_recorded_as_unreachable(
    checking, server, submission, mpp, operator, django_capture_on_commit_callbacks
):
    check = add(submission, mpp, operator, f"{server}/hilang", django_capture_on_commit_callbacks)
    assert check.status_code == 404
    assert not check.reachable


@pytest.mark.parametrize(
    ("path", "reason"),
    [
        ("/putar", "terlalu banyak pengalihan (lebih dari 5)"),
        ("/berkas-lokal", "bukan tautan http:// atau https://"),
    ],
)
def test_redirect_loops_and_other_schemes_are_refused(
    checking, server, submission, mpp, operator, django_capture_on_commit_callbacks, path, reason
):
    check = add(submission, mpp, operator, f"{server}{path}", django_capture_on_commit_callbacks)
    assert check.error == reason
    assert check.status_code is None and not check.archive
    assert len(Handler.seen) <= 6  # the first request and at most five redirects


def test_content_over_the_evidence_limit_is_not_archived(
    checking, server, submission, mpp, operator, django_capture_on_commit_callbacks
):
    checking.KOTACERDAS_EVIDENCE_MAX_BYTES = 1000
    check = add(submission, mpp, operator, f"{server}/besar", django_capture_on_commit_callbacks)
    assert check.status_code == 200
    assert "lebih besar dari batas 1000 bita" in check.error
    assert not check.archive and check.size is None


def test_a_private_address_is_refused_without_the_setting(
    checking, server, submission, mpp, operator, django_capture_on_commit_callbacks
):
    checking.KOTACERDAS_LINK_CHECK_ALLOW_PRIVATE = False
    check = add(submission, mpp, operator, f"{server}/sk", django_capture_on_commit_callbacks)
    assert check.error == "alamat 127.0.0.1 bukan alamat publik; ditolak"
    assert check.status_code is None and not check.archive
    assert Handler.seen == []  # nothing was sent


@pytest.mark.parametrize(
    ("address", "public"),
    [
        ("8.8.8.8", True),
        ("2001:4860:4860::8888", True),
        ("10.1.2.3", False),
        ("172.16.0.1", False),
        ("192.168.1.1", False),
        ("127.0.0.1", False),
        ("169.254.169.254", False),
        ("100.64.0.1", False),
        ("0.0.0.0", False),  # noqa: S104 - an address to judge, not to bind
        ("::1", False),
        ("fe80::1", False),
        ("fd00::1", False),
        ("::ffff:127.0.0.1", False),
        ("224.0.0.1", False),
    ],
)
def test_which_addresses_are_public(address, public):
    assert links.is_public(address) is public


def test_off_by_default_nothing_is_checked(
    settings, server, submission, mpp, operator, assessor, django_capture_on_commit_callbacks
):
    assert settings.KOTACERDAS_LINK_CHECK is False
    with django_capture_on_commit_callbacks(execute=True):
        evidence = service.add_link(submission, mpp, f"{server}/sk", by=operator)
    assert not LinkCheck.objects.exists()
    with pytest.raises(ServiceError, match="tidak diaktifkan"):
        links.request_check(evidence, by=assessor)
    assert Handler.seen == []


def test_replacing_by_a_link_checks_the_new_link(
    checking, server, submission, mpp, operator, django_capture_on_commit_callbacks
):
    old = add(submission, mpp, operator, f"{server}/hilang", django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        new = service.replace(old.evidence, url=f"{server}/sk", by=operator)
    assert LinkCheck.objects.get(evidence=new).status_code == 200


def test_only_assessors_of_the_region_and_admins_may_ask_again(
    checking,
    server,
    submission,
    mpp,
    operator,
    assessor,
    admin_user,
    django_capture_on_commit_callbacks,
):
    first = add(submission, mpp, operator, f"{server}/sk", django_capture_on_commit_callbacks)
    with pytest.raises(PermissionDenied):
        links.request_check(first.evidence, by=operator)
    with pytest.raises(PermissionDenied):
        links.request_check(first.evidence, by=make_user("asesor.lain", Role.ASSESSOR))
    with django_capture_on_commit_callbacks(execute=True):
        again = links.request_check(first.evidence, by=assessor)
    again.refresh_from_db()
    assert again.state == LinkCheckState.DONE and again.requested_by == assessor
    assert links.latest(first.evidence) == again
    assert LinkCheck.objects.filter(evidence=first.evidence).count() == 2  # both kept


def test_a_second_request_waits_for_the_queued_one(
    checking, server, submission, mpp, operator, assessor
):
    evidence = service.add_link(submission, mpp, f"{server}/sk", by=operator)  # not yet run
    with pytest.raises(ServiceError, match="sedang diperiksa"):
        links.request_check(evidence, by=assessor)
    assert LinkCheck.objects.count() == 1


def test_the_assessor_sees_the_check_and_asks_again_over_http(
    client,
    checking,
    server,
    submission,
    mpp,
    operator,
    assessor,
    django_capture_on_commit_callbacks,
):
    ok = add(submission, mpp, operator, f"{server}/sk", django_capture_on_commit_callbacks)
    add(submission, mpp, operator, f"{server}/hilang", django_capture_on_commit_callbacks)
    client.force_login(assessor)
    workspace = reverse("evaluations:assessor_workspace", args=[2022, "15.71"])
    page = client.get(workspace, {"dimensi": "GOV"}).content.decode()
    assert "tautan diperiksa" in page and ": 200 OK, " in page
    assert reverse("evaluations:link_archive", args=[ok.pk]) in page
    assert "tidak dapat dijangkau (404)" in page
    assert "Periksa ulang tautan" in page
    url = reverse("evaluations:evidence_link_check", args=[ok.evidence.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"next": f"{workspace}?dimensi=GOV"})
    assert response.status_code == 302
    assert response["Location"] == f"{workspace}?dimensi=GOV"
    assert LinkCheck.objects.filter(evidence=ok.evidence).count() == 2
    elsewhere = client.post(url, {"next": "https://evil.example/"})
    assert elsewhere["Location"] == workspace  # never an outside page


def test_the_operator_sees_the_check_but_may_not_ask_again(
    client, checking, server, submission, mpp, operator, django_capture_on_commit_callbacks
):
    check = add(submission, mpp, operator, f"{server}/sk", django_capture_on_commit_callbacks)
    client.force_login(operator)
    page = client.get(reverse("evaluations:submission_form", args=[2022, "15.71"])).content
    assert b": 200 OK, " in page
    assert b"Periksa ulang tautan" not in page
    url = reverse("evaluations:evidence_link_check", args=[check.evidence.pk])
    assert client.post(url).status_code == 403


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("admin", 200),
        ("operator_own", 200),
        ("assessor_assigned", 200),
        ("assessor_unassigned", 404),
        ("operator_other", 404),
    ],
)
def test_the_archived_copy_is_read_only_through_the_checked_view(
    client,
    checking,
    server,
    submission,
    mpp,
    operator,
    assessor,
    admin_user,
    bandung,
    django_capture_on_commit_callbacks,
    who,
    status,
):
    check = add(submission, mpp, operator, f"{server}/sk", django_capture_on_commit_callbacks)
    users = {
        "admin": admin_user,
        "operator_own": operator,
        "assessor_assigned": assessor,
        "assessor_unassigned": make_user("asesor.lain", Role.ASSESSOR),
        "operator_other": make_user("operator.bandung", Role.OPERATOR, region=bandung),
    }
    client.force_login(users[who])
    response = client.get(reverse("evaluations:link_archive", args=[check.pk]))
    assert response.status_code == status
    if status == 200:
        assert b"".join(response.streaming_content) == PAGE
        assert response["Content-Disposition"].startswith("attachment;")
        assert response["X-Content-Type-Options"] == "nosniff"


def test_a_check_without_a_copy_has_nothing_to_download(
    client, checking, server, submission, mpp, operator, django_capture_on_commit_callbacks
):
    checking.KOTACERDAS_LINK_CHECK_ALLOW_PRIVATE = False
    check = add(submission, mpp, operator, f"{server}/sk", django_capture_on_commit_callbacks)
    client.force_login(operator)
    assert client.get(reverse("evaluations:link_archive", args=[check.pk])).status_code == 404
    assert Evidence.objects.count() == 1
