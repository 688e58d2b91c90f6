"""Checking and archiving link evidence: a background task fetches the link from a local HTTP
server (private addresses allowed for the test), records status, final URL, type, size and
SHA-256, keeps a copy readable only through the permission-checked view; private addresses are
refused by default (SSRF); the whole feature is off unless switched on. HTTPS is checked against
a local TLS server whose certificate (made here with the openssl command) the test trusts
through ``SSL_CERT_FILE``; a check whose worker died becomes stale and does not block a new one;
name resolution counts against the timeout."""

import hashlib
import socket
import ssl
import subprocess
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from kotacerdas.accounts.roles import Role
from kotacerdas.core.errors import ServiceError
from kotacerdas.evaluations.models import Evidence, LinkCheck, LinkCheckState
from kotacerdas.evaluations.services import evidence as service
from kotacerdas.evaluations.services import links
from kotacerdas.instruments.models import Indicator
from tests.conftest import make_user
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


# --- Stale checks (the worker died) -----------------------------------------------------------


def backdate(check: LinkCheck, by: timedelta) -> None:
    LinkCheck.objects.filter(pk=check.pk).update(requested_at=timezone.now() - by)


@pytest.mark.parametrize("state", [LinkCheckState.QUEUED, LinkCheckState.RUNNING])
def test_a_check_that_never_finished_is_replaced_by_a_new_request(
    checking, server, submission, mpp, operator, assessor, django_capture_on_commit_callbacks, state
):
    evidence = service.add_link(submission, mpp, f"{server}/sk", by=operator)  # never run
    dead = LinkCheck.objects.get(evidence=evidence)
    LinkCheck.objects.filter(pk=dead.pk).update(state=state)
    backdate(dead, links.STALE_AFTER + timedelta(minutes=1))
    with django_capture_on_commit_callbacks(execute=True):
        again = links.request_check(evidence, by=assessor)
    dead.refresh_from_db()
    assert dead.state == LinkCheckState.STALE
    assert dead.error == (
        "pemeriksaan tidak selesai dalam 15 menit (pekerja latar belakang berhenti?)"
    )
    assert not dead.archive and dead.status_code is None
    again.refresh_from_db()
    assert (again.state, again.status_code) == (LinkCheckState.DONE, 200)
    assert links.latest(evidence) == again
    assert dead.history.first().state == LinkCheckState.STALE  # the change is in the history


def test_a_check_waiting_less_than_the_threshold_still_blocks_a_new_request(
    checking, server, submission, mpp, operator, assessor
):
    evidence = service.add_link(submission, mpp, f"{server}/sk", by=operator)
    waiting = LinkCheck.objects.get(evidence=evidence)
    backdate(waiting, links.STALE_AFTER - timedelta(minutes=1))
    assert not LinkCheck.objects.get(pk=waiting.pk).is_stale
    with pytest.raises(ServiceError, match="sedang diperiksa"):
        links.request_check(evidence, by=assessor)
    assert LinkCheck.objects.get().state == LinkCheckState.QUEUED


def test_the_workspace_shows_a_stale_check_as_stale_not_as_checking(
    client, checking, server, submission, mpp, operator, assessor
):
    evidence = service.add_link(submission, mpp, f"{server}/sk", by=operator)
    client.force_login(assessor)
    workspace = reverse("evaluations:assessor_workspace", args=[2022, "15.71"])
    page = client.get(workspace, {"dimensi": "GOV"}).content.decode()
    assert "tautan sedang diperiksa" in page and "pemeriksaan terhenti" not in page
    backdate(LinkCheck.objects.get(evidence=evidence), links.STALE_AFTER)
    page = client.get(workspace, {"dimensi": "GOV"}).content.decode()
    assert "tautan sedang diperiksa" not in page
    assert "pemeriksaan terhenti" in page
    assert "tidak selesai dalam 15 menit" in page


def test_a_worker_that_finishes_after_its_check_was_recorded_stale_keeps_nothing(
    checking, server, submission, mpp, operator, assessor, monkeypatch
):
    evidence = service.add_link(submission, mpp, f"{server}/sk", by=operator)
    slow = LinkCheck.objects.get(evidence=evidence)
    real_fetch = links.fetch
    replaced = []

    def fetch_while_replaced(url, **kwargs):
        # The worker has claimed the check; meanwhile it turns stale and is replaced.
        backdate(slow, links.STALE_AFTER)
        replaced.append(links.request_check(evidence, by=assessor))
        return real_fetch(url, **kwargs)

    monkeypatch.setattr(links, "fetch", fetch_while_replaced)
    links.run(slow.pk)
    slow.refresh_from_db()
    assert slow.state == LinkCheckState.STALE and slow.status_code is None
    assert not slow.archive and slow.checked_at is None
    assert Handler.seen == ["/sk"]  # it did fetch, and kept no copy:
    archive_dir = links.settings.MEDIA_ROOT / "link-archive"
    assert not archive_dir.exists() or not any(p.is_file() for p in archive_dir.rglob("*"))
    assert links.latest(evidence) == replaced[0]
    assert replaced[0].state == LinkCheckState.QUEUED


# --- Name resolution within the timeout --------------------------------------------------------


def test_a_name_that_does_not_resolve_in_time_is_given_up(monkeypatch):
    release = threading.Event()

    def hanging_getaddrinfo(*args, **kwargs):
        release.wait(3)  # a resolver that does not answer (until the test ends)
        raise socket.gaierror(socket.EAI_AGAIN, "Temporary failure in name resolution")

    monkeypatch.setattr(socket, "getaddrinfo", hanging_getaddrinfo)
    monkeypatch.setattr(links, "TIMEOUT", 0.2)
    try:
        with pytest.raises(links.LinkUnreachable) as refused:
            links.fetch("http://lambat.example/sk", max_bytes=1000, allow_private=True)
    finally:
        release.set()
    assert str(refused.value) == "waktu habis saat mencari nama host"


def test_a_name_that_does_not_exist_is_reported(monkeypatch):
    def no_such_name(*args, **kwargs):
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", no_such_name)
    with pytest.raises(links.LinkUnreachable, match=r"^nama host tidak ditemukan$"):
        links.fetch("https://tidak-ada.example/sk", max_bytes=1000, allow_private=True)


# --- HTTPS ---------------------------------------------------------------------------------------

SERVER_NAME = "bukti.test"  # the certificate's name; .test is reserved, resolved by the test


def openssl(*args, cwd):
    subprocess.run(["openssl", *args], cwd=cwd, check=True, capture_output=True)


@pytest.fixture(scope="module")
def certificates(tmp_path_factory):
    """A certificate authority and a server certificate it signed, for ``bukti.test`` and
    127.0.0.1 (valid two days), as PEM files: ``ca.pem``, ``server.pem``, ``server.key``."""
    folder = tmp_path_factory.mktemp("tls")
    openssl(
        "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
        "-keyout", "ca.key", "-out", "ca.pem", "-subj", "/CN=Kota Cerdas test CA",
        cwd=folder,
    )  # fmt: skip
    openssl(
        "req", "-newkey", "rsa:2048", "-nodes", "-keyout", "server.key", "-out", "server.csr",
        "-subj", f"/CN={SERVER_NAME}",
        cwd=folder,
    )  # fmt: skip
    (folder / "server.ext").write_text(
        f"subjectAltName=DNS:{SERVER_NAME},IP:127.0.0.1\n"
        "basicConstraints=critical,CA:FALSE\n"
        "keyUsage=critical,digitalSignature,keyEncipherment\n"
        "extendedKeyUsage=serverAuth\n"
        "subjectKeyIdentifier=hash\n"
        "authorityKeyIdentifier=keyid\n"
    )
    openssl(
        "x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key",
        "-CAcreateserial", "-days", "2", "-extfile", "server.ext", "-out", "server.pem",
        cwd=folder,
    )  # fmt: skip
    return folder


class CountingTLSServer(ThreadingHTTPServer):
    """An HTTPS server that counts the connections it was offered (handshake or not)."""

    offered = 0

    def get_request(self):
        self.offered += 1
        return super().get_request()


@pytest.fixture
def tls_server(certificates):
    Handler.seen = []
    httpd = CountingTLSServer(("127.0.0.1", 0), Handler)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(certificates / "server.pem", certificates / "server.key")
    httpd.socket = context.wrap_socket(httpd.socket, server_side=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield httpd
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def trusted(certificates, monkeypatch):
    """The test's certificate authority is the only one trusted (OpenSSL reads SSL_CERT_FILE
    whenever a default context loads its certificates)."""
    monkeypatch.setenv("SSL_CERT_FILE", str(certificates / "ca.pem"))


@pytest.fixture
def names(monkeypatch):
    """``bukti.test`` and ``lain.test`` resolve to 127.0.0.1 (as a hostile DNS answer would)."""
    real = socket.getaddrinfo

    def getaddrinfo(host, *args, **kwargs):
        if host in (SERVER_NAME, "lain.test"):
            host = "127.0.0.1"
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)


def https(server, host=SERVER_NAME, path="/sk") -> str:
    return f"https://{host}:{server.server_address[1]}{path}"


def test_an_https_link_is_fetched_and_archived(
    checking,
    trusted,
    names,
    tls_server,
    submission,
    mpp,
    operator,
    django_capture_on_commit_callbacks,
):
    url = https(tls_server)
    check = add(submission, mpp, operator, url, django_capture_on_commit_callbacks)
    assert check.error == ""
    assert (check.state, check.status_code, check.final_url) == (LinkCheckState.DONE, 200, url)
    assert check.sha256 == hashlib.sha256(PAGE).hexdigest()
    with check.archive.open("rb") as copy:
        assert copy.read() == PAGE
    assert Handler.seen == ["/sk"]


def test_an_https_redirect_is_followed(
    checking,
    trusted,
    names,
    tls_server,
    submission,
    mpp,
    operator,
    django_capture_on_commit_callbacks,
):
    check = add(
        submission,
        mpp,
        operator,
        https(tls_server, path="/pindah"),
        django_capture_on_commit_callbacks,
    )
    assert (check.status_code, check.final_url) == (200, https(tls_server))


def test_an_untrusted_certificate_is_reported(
    checking, names, tls_server, submission, mpp, operator, django_capture_on_commit_callbacks
):
    check = add(submission, mpp, operator, https(tls_server), django_capture_on_commit_callbacks)
    assert check.error == (
        "sertifikat TLS tidak dipercaya (penerbit tidak dikenal atau ditandatangani sendiri)"
    )
    assert check.status_code is None and not check.archive
    assert Handler.seen == []


def test_a_certificate_for_another_name_is_reported(
    checking,
    trusted,
    names,
    tls_server,
    submission,
    mpp,
    operator,
    django_capture_on_commit_callbacks,
):
    url = https(tls_server, host="lain.test")  # same address, but the certificate is not for it
    check = add(submission, mpp, operator, url, django_capture_on_commit_callbacks)
    assert check.error == "sertifikat TLS tidak berlaku untuk lain.test"
    assert check.status_code is None and not check.archive
    assert Handler.seen == []


def test_a_server_that_does_not_speak_tls_is_reported(
    checking, trusted, server, submission, mpp, operator, django_capture_on_commit_callbacks
):
    url = server.replace("http://", "https://") + "/sk"  # the plain HTTP server
    check = add(submission, mpp, operator, url, django_capture_on_commit_callbacks)
    assert check.error == "sambungan TLS gagal"
    assert check.status_code is None


@pytest.mark.parametrize("host", [SERVER_NAME, "127.0.0.1"])
def test_https_links_to_private_addresses_are_refused_before_connecting(
    checking,
    trusted,
    names,
    tls_server,
    submission,
    mpp,
    operator,
    django_capture_on_commit_callbacks,
    host,
):
    checking.KOTACERDAS_LINK_CHECK_ALLOW_PRIVATE = False
    check = add(
        submission, mpp, operator, https(tls_server, host=host), django_capture_on_commit_callbacks
    )
    assert check.error == "alamat 127.0.0.1 bukan alamat publik; ditolak"
    assert check.status_code is None and not check.archive
    assert tls_server.offered == 0  # no connection was even opened
