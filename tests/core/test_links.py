"""Every link works: on the whole demo data set, each role (the public, an operator, an
assessor, an admin) follows the links of every page it can reach, in Bahasa Indonesia and in
English, and none leads to an error. A page linking where its reader cannot go (a 404 or 403
behind a link on a page they were shown) is a defect as much as a 500.

One test, so that the demo (about half a minute) is loaded once. Links of the same shape
(``/hasil/2022/daerah/15.71/``, ``/hasil/2021/daerah/32.73/``, ...) are followed at most
``PER_SHAPE`` times: the same view and template with other rows adds time, not coverage.
"""

import re
from collections import Counter, deque
from html.parser import HTMLParser
from io import StringIO
from urllib.parse import urldefrag, urljoin, urlsplit

import pytest
from django.core.management import call_command
from django.test import Client

from kotacerdas.accounts.models import User

PER_SHAPE = 3
# Not followed: signing out, the language switch (a POST), Django's admin (its own links), the
# machine-readable schema, stored files and static assets (served, not rendered).
SKIPPED = re.compile(r"^/(akun/keluar/|i18n/|admin/|api/v1/schema|media/|static/)")
ROLES = ("", "operator.jambi", "asesor1", "admin")


class Anchors(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag, attrs) -> None:
        href = dict(attrs).get("href")
        if tag == "a" and href:
            self.hrefs.append(href)


def shape(path: str) -> str:
    """The path with its numbers and region codes replaced: one shape per view, roughly."""
    address = urlsplit(path)
    return re.sub(r"\d+(\.\d+)*", "N", address.path) + ("?" if address.query else "")


def crawl(client: Client) -> tuple[int, list[str]]:
    """Follow every internal link from the home page; the number of pages read and, for each
    failure, its status, path and the page that linked to it."""
    queue, seen, linked_from, taken = deque(["/"]), set(), {"/": "-"}, Counter()
    failures = []
    while queue:
        path = queue.popleft()
        if path in seen:
            continue
        seen.add(path)
        response = client.get(path, follow=True)
        if response.status_code >= 400:
            failures.append(f"{response.status_code} {path} (linked from {linked_from[path]})")
            continue
        if not response.get("Content-Type", "").startswith("text/html"):
            continue
        page = Anchors()
        page.feed(response.content.decode())
        for href in page.hrefs:
            address = urlsplit(urldefrag(urljoin("http://testserver" + path, href))[0])
            if address.netloc != "testserver" or SKIPPED.match(address.path):
                continue
            target = address.path + (f"?{address.query}" if address.query else "")
            if target in seen or target in linked_from or taken[shape(target)] >= PER_SHAPE:
                continue
            taken[shape(target)] += 1
            linked_from[target] = path
            queue.append(target)
    return len(seen), failures


@pytest.mark.django_db
def test_no_link_of_any_role_leads_to_an_error(settings):
    call_command("demo", stdout=StringIO())
    read: dict[str, int] = {}
    failures: list[str] = []
    for language in ("id", "en"):
        for username in ROLES:
            client = Client()
            client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
            if username:
                client.force_login(User.objects.get(username=username))
            pages, failed = crawl(client)
            read[f"{username or 'public'}/{language}"] = pages
            failures += [f"{username or 'public'} ({language}): {item}" for item in failed]
    print("pages read:", read)
    assert failures == []
    # The crawl reached far enough to mean something (the demo's pages, not a login wall).
    assert read["public/id"] > 40 and read["operator.jambi/id"] > 100
    assert read["asesor1/id"] > 60 and read["admin/id"] > 200
