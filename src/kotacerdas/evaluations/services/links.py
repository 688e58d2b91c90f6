"""Checking and archiving link evidence in the background.

When an operator adds a link as evidence (or replaces evidence by a link), and when an assessor
asks for it ("periksa ulang tautan"), ``begin`` records a LinkCheck and, once the transaction
commits, enqueues the task ``check_link`` (django-tasks; the worker is ``kotacerdas db_worker``).
The task fetches the URL (``fetch``) and records on the LinkCheck the HTTP status, the final URL
after redirects, the content type, size and SHA-256, and keeps a copy of the content through
Django's storage API under ``link-archive/<year>/<region>/``. The copy is read back only through
the permission-checked view ``link_archive`` (as evidence files are), as an attachment.

The whole feature is off unless ``settings.KOTACERDAS_LINK_CHECK`` is true: the platform runs on
closed government networks without internet access.

Server-side request forgery (SSRF): the URL comes from an operator, and the copy of what the
server fetched can be read back, so the server must not become a way into its own network. Only
http and https; the host is resolved once per hop and every address it resolves to must be public
(``ipaddress.is_global``: no private, loopback, link-local, shared, reserved or multicast
address), else the link is refused before anything is sent; the connection then goes to exactly
the checked address (no second lookup that DNS rebinding could answer differently), and every
redirect (at most ``MAX_REDIRECTS``) is checked the same way.
``KOTACERDAS_LINK_CHECK_ALLOW_PRIVATE`` lifts the address rule (tests; closed networks whose
evidence sites are internal). At most ``KOTACERDAS_EVIDENCE_MAX_BYTES`` are read, within
``TIMEOUT`` seconds in all, name resolution included (``getaddrinfo`` has no timeout of its own,
so it runs in a daemon thread that the fetch stops waiting for at the deadline).

A check whose worker died stays queued or running; ``STALE_AFTER`` (15 minutes) after it was
asked for it is shown as stale (``LinkCheck.is_stale``), and a new request records it as
``stale`` and is not refused because of it. A worker that finishes a check after it was
recorded stale keeps nothing (the newer check is the one that counts).
"""

from __future__ import annotations

import hashlib
import http.client
import ipaddress
import logging
import socket
import ssl
import threading
import time
import uuid
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from kotacerdas.core.errors import ServiceError

from ..models import (
    LINK_CHECK_STALE_AFTER,
    Evidence,
    EvidenceKindStored,
    LinkCheck,
    LinkCheckState,
    stale_reason,
)

log = logging.getLogger(__name__)

TIMEOUT = 10.0  # seconds for the whole fetch, redirects included
MAX_REDIRECTS = 5
REDIRECTS = {301, 302, 303, 307, 308}
USER_AGENT = "KotaCerdas-LinkCheck/1 (+arsip data dukung)"
STALE_AFTER = LINK_CHECK_STALE_AFTER  # queued or running this long: the check will not finish
PENDING = (LinkCheckState.QUEUED, LinkCheckState.RUNNING)


class LinkUnreachable(Exception):
    """The link could not be fetched; the message (Indonesian) says why."""


@dataclass(frozen=True)
class Fetched:
    status: int
    final_url: str
    content_type: str
    body: bytes
    too_large: bool = False


def enabled() -> bool:
    """Whether this server checks links at all (``KOTACERDAS_LINK_CHECK``)."""
    return bool(getattr(settings, "KOTACERDAS_LINK_CHECK", False))


def latest(evidence: Evidence) -> LinkCheck | None:
    """The newest check of ``evidence``, or None."""
    return evidence.link_checks.first()


def mark_checks(items) -> None:
    """Give each evidence item ``link_check``: its newest LinkCheck (None for files, unchecked
    links, or when checking is off and never ran). One query."""
    items = list(items)
    links = [item.pk for item in items if item.kind == EvidenceKindStored.LINK]
    newest: dict[int, LinkCheck] = {}
    if links:
        for check in LinkCheck.objects.filter(evidence_id__in=links).order_by(
            "evidence_id", "-requested_at", "-pk"
        ):
            newest.setdefault(check.evidence_id, check)
    for item in items:
        item.link_check = newest.get(item.pk)


def begin(evidence: Evidence, *, by) -> LinkCheck | None:
    """Record a check of a link evidence item and enqueue it once the caller's transaction
    commits; None (nothing recorded) when checking is off or the evidence is a file."""
    if not enabled() or evidence.kind != EvidenceKindStored.LINK:
        return None
    check = LinkCheck.objects.create(evidence=evidence, requested_by=by)
    transaction.on_commit(lambda: check_link.enqueue(check.pk))
    return check


def request_check(evidence: Evidence, *, by) -> LinkCheck:
    """An assessor's (or admin's) request to check a link again.

    Guarantees: only who has ``evaluations.check_link`` on the evidence (else PermissionDenied);
    ServiceError when checking is off on this server, the evidence is a file, or a check of it
    is still waiting and not yet stale (nothing recorded then); else checks of it that are stale
    (``STALE_AFTER``) are recorded ``stale`` with the reason, and a new queued LinkCheck is
    enqueued on commit.
    """
    if not by.has_perm("evaluations.check_link", evidence):
        raise PermissionDenied(_("Anda tidak dapat memeriksa tautan ini."))
    if not enabled():
        raise ServiceError(_("Pemeriksaan tautan tidak diaktifkan di server ini."))
    if evidence.kind != EvidenceKindStored.LINK:
        raise ServiceError(_("Data dukung ini berkas, bukan tautan."))
    with transaction.atomic():
        locked = Evidence.objects.select_for_update().get(pk=evidence.pk)
        pending = list(
            LinkCheck.objects.select_for_update().filter(evidence=locked, state__in=PENDING)
        )
        if any(not check.is_stale for check in pending):
            raise ServiceError(_("Tautan ini sedang diperiksa; muat ulang halaman nanti."))
        for check in pending:
            check.state = LinkCheckState.STALE
            check.error = stale_reason()[:500]
            check.save(update_fields=["state", "error"])
        return begin(locked, by=by)


@task()
def check_link(check_id: int) -> None:
    """The background task: run one link check (see the module docstring)."""
    run(check_id)


def run(check_id: int) -> None:
    """Carry out a queued check once (a second call does nothing).

    Guarantees: the result (status, final URL, content type, size, SHA-256, copy) or the reason
    the link was unreachable is recorded on the LinkCheck, which ends ``done``; errors are
    recorded, never raised; a copy that was stored is removed again when recording fails, or
    when the check was recorded ``stale`` meanwhile (then nothing is recorded).
    """
    claimed = LinkCheck.objects.filter(pk=check_id, state=LinkCheckState.QUEUED).update(
        state=LinkCheckState.RUNNING
    )
    if not claimed:
        return
    check = LinkCheck.objects.select_related("evidence__submission__cycle").get(pk=check_id)
    check.state = LinkCheckState.DONE
    stored = ""
    try:
        fetched = fetch(
            check.evidence.url,
            max_bytes=settings.KOTACERDAS_EVIDENCE_MAX_BYTES,
            allow_private=getattr(settings, "KOTACERDAS_LINK_CHECK_ALLOW_PRIVATE", False),
        )
    except LinkUnreachable as error:
        check.error = str(error)[:500]
    except Exception as error:  # anything else is recorded as unreachable too
        log.exception("link check %s failed", check_id)
        check.error = (_("Gagal diperiksa: %(error)s") % {"error": type(error).__name__})[:500]
    else:
        check.status_code = fetched.status
        check.final_url = fetched.final_url[:1000]
        check.content_type = fetched.content_type[:120]
        if fetched.too_large:
            check.error = _("Isinya lebih besar dari batas %(max)s bita; tidak diarsipkan.") % {
                "max": settings.KOTACERDAS_EVIDENCE_MAX_BYTES
            }
        else:
            check.size = len(fetched.body)
            check.sha256 = hashlib.sha256(fetched.body).hexdigest()
            name = f"{uuid.uuid4().hex}-{check.sha256[:12]}.arsip"
            check.archive.save(name, ContentFile(fetched.body), save=False)
            stored = check.archive.name
    check.checked_at = timezone.now()
    try:
        with transaction.atomic():
            still_ours = LinkCheck.objects.select_for_update().filter(
                pk=check_id, state=LinkCheckState.RUNNING
            )
            if not still_ours.exists():  # recorded stale while this worker was fetching
                log.warning("link check %s was recorded stale before it finished", check_id)
                if stored:
                    check.archive.storage.delete(stored)
                return
            check.save()
    except BaseException:
        if stored:
            check.archive.storage.delete(stored)
        raise


# --- Fetching -------------------------------------------------------------------------------------


def fetch(url: str, *, max_bytes: int, allow_private: bool = False) -> Fetched:
    """GET ``url`` following at most MAX_REDIRECTS redirects within TIMEOUT seconds in all.

    Guarantees: only http and https; each hop's host must resolve to public addresses only
    (unless ``allow_private``) and the connection goes to the address checked; at most
    ``max_bytes`` of the body are read (``too_large`` when there was more, body then empty);
    LinkUnreachable (Indonesian reason) for anything that prevents an HTTP answer.
    """
    deadline = time.monotonic() + TIMEOUT
    for _hop in range(MAX_REDIRECTS + 1):
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise LinkUnreachable(_("bukan tautan http:// atau https://"))
        try:
            port = parts.port or (443 if parts.scheme == "https" else 80)
        except ValueError as exc:
            raise LinkUnreachable(_("nomor port tidak sah")) from exc
        address = _resolve(parts.hostname, port, allow_private, deadline)
        connection = _connection(parts.scheme, parts.hostname, address, port, deadline)
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        try:
            connection.request(
                "GET",
                target,
                headers={"User-Agent": USER_AGENT, "Accept": "*/*", "Connection": "close"},
            )
            response = connection.getresponse()
            location = response.getheader("Location")
            if response.status in REDIRECTS and location:
                url = urljoin(url, location.strip())
                continue
            body, too_large = _read(response, max_bytes, deadline)
            return Fetched(
                status=response.status,
                final_url=url,
                content_type=(response.getheader("Content-Type") or "").split(";")[0].strip(),
                body=b"" if too_large else body,
                too_large=too_large,
            )
        except TimeoutError as exc:
            raise LinkUnreachable(_("waktu habis")) from exc
        except ssl.SSLCertVerificationError as exc:
            raise LinkUnreachable(_certificate_problem(exc, parts.hostname)) from exc
        except ssl.SSLError as exc:
            raise LinkUnreachable(_("sambungan TLS gagal")) from exc
        except (OSError, http.client.HTTPException) as exc:
            raise LinkUnreachable(_("koneksi gagal")) from exc
        finally:
            connection.close()
    raise LinkUnreachable(_("terlalu banyak pengalihan (lebih dari %(n)d)") % {"n": MAX_REDIRECTS})


def _certificate_problem(error: ssl.SSLCertVerificationError, host: str) -> str:
    """The reason a server's certificate was refused, in words an assessor can act on."""
    code = error.verify_code
    if code == X509_HOSTNAME_MISMATCH:
        return _("sertifikat TLS tidak berlaku untuk %(host)s") % {"host": host}
    if code == X509_CERT_HAS_EXPIRED:
        return _("sertifikat TLS sudah kedaluwarsa")
    if code in X509_UNTRUSTED:
        return _(
            "sertifikat TLS tidak dipercaya (penerbit tidak dikenal atau ditandatangani sendiri)"
        )
    return _("sertifikat TLS tidak sah (%(reason)s)") % {
        "reason": error.verify_message or error.reason or type(error).__name__
    }


# OpenSSL's verification codes (X509_V_ERR_*) that get their own message.
X509_CERT_HAS_EXPIRED = 10
X509_UNTRUSTED = {18, 19, 20, 21}  # self-signed leaf, self-signed in chain, unknown issuer (2x)
X509_HOSTNAME_MISMATCH = 62


def _resolve(host: str, port: int, allow_private: bool, deadline: float) -> str:
    """One address of ``host`` to connect to; LinkUnreachable when the name does not resolve
    before ``deadline`` (a monotonic time) or, unless ``allow_private``, when any address it
    resolves to is not public."""
    try:
        infos = _getaddrinfo_until(host, port, deadline)
    except (socket.gaierror, UnicodeError) as exc:
        raise LinkUnreachable(_("nama host tidak ditemukan")) from exc
    addresses = [info[4][0] for info in infos]
    if not addresses:
        raise LinkUnreachable(_("nama host tidak ditemukan"))
    if not allow_private:
        for text in addresses:
            if not is_public(text):
                raise LinkUnreachable(
                    _("alamat %(address)s bukan alamat publik; ditolak") % {"address": text}
                )
    return addresses[0]


def _getaddrinfo_until(host: str, port: int, deadline: float) -> list:
    """``socket.getaddrinfo`` for a TCP connection, given up at ``deadline``.

    getaddrinfo has no timeout and cannot be interrupted, so it runs in a daemon thread; past
    the deadline the fetch stops waiting (LinkUnreachable) and the thread ends by itself when
    the resolver answers or gives up (it holds no lock and writes only its own result)."""
    outcome: dict[str, object] = {}

    def resolve() -> None:
        try:
            outcome["infos"] = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except BaseException as exc:  # handed to the waiting thread
            outcome["error"] = exc

    thread = threading.Thread(target=resolve, name=f"link-check resolve {host}", daemon=True)
    thread.start()
    thread.join(max(0.0, deadline - time.monotonic()))
    if thread.is_alive():
        raise LinkUnreachable(_("waktu habis saat mencari nama host"))
    if "error" in outcome:
        raise outcome["error"]  # type: ignore[misc]
    return outcome["infos"]  # type: ignore[return-value]


def is_public(address: str) -> bool:
    """Whether an IP address is globally reachable (not private, loopback, link-local, shared,
    reserved, multicast or unspecified); an IPv4-mapped IPv6 address is judged as its IPv4."""
    ip = ipaddress.ip_address(address.split("%")[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def _connection(scheme: str, host: str, address: str, port: int, deadline: float):
    remaining = max(0.1, deadline - time.monotonic())
    if scheme == "https":
        return _PinnedHTTPS(host, address, port, remaining)
    return _PinnedHTTP(host, address, port, remaining)


class _PinnedHTTP(http.client.HTTPConnection):
    """An HTTP connection to ``host`` that connects to the already checked ``address``."""

    def __init__(self, host: str, address: str, port: int, timeout: float):
        super().__init__(host, port, timeout=timeout)
        self._address = address

    def connect(self) -> None:
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


class _PinnedHTTPS(http.client.HTTPSConnection):
    """An HTTPS connection to ``host`` (certificate checked for ``host``) that connects to the
    already checked ``address``."""

    def __init__(self, host: str, address: str, port: int, timeout: float):
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self._address = address

    def connect(self) -> None:
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


def _read(response, max_bytes: int, deadline: float) -> tuple[bytes, bool]:
    """At most ``max_bytes`` of the body, and whether there was more; TimeoutError past the
    deadline (a server sending slowly cannot hold the worker longer than TIMEOUT)."""
    chunks: list[bytes] = []
    size = 0
    while True:
        if time.monotonic() > deadline:
            raise TimeoutError
        chunk = response.read(min(65536, max_bytes + 1 - size))
        if not chunk:
            return b"".join(chunks), False
        chunks.append(chunk)
        size += len(chunk)
        if size > max_bytes:
            return b"", True
