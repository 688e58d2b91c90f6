"""The committed English catalogue is complete, current with the source, and compiled.

`make messages` refreshes it; these tests fail when someone adds or changes a message without
doing so, leaves an entry untranslated or fuzzy, breaks a placeholder, or forgets to commit the
compiled .mo (which the platform reads; a fresh machine may have no msgfmt to build it).
"""

import gettext
import re
import shutil

import pytest
from django.core.management import call_command

from .catalogue import (
    MO_FILE,
    PACKAGE_DIR,
    PO_FILE,
    calls_inside_fstrings,
    parse_po,
    source_files,
    source_messages,
)

PLACEHOLDER = re.compile(r"%\(\w+\)[-#0 +]*\d*(?:\.\d+)?[sdfr]|%%|\{\w*\}")


@pytest.fixture(scope="module")
def catalogue():
    return parse_po(PO_FILE)


def test_the_catalogue_is_english_with_two_plural_forms(catalogue):
    header, entries = catalogue
    assert header["Language"] == "en"
    assert header["Plural-Forms"] == "nplurals=2; plural=(n != 1);"
    assert header["Content-Type"] == "text/plain; charset=UTF-8"
    assert len(entries) > 1000


def test_every_entry_is_translated_and_none_is_fuzzy(catalogue):
    _header, entries = catalogue
    untranslated = [
        e.msgid
        for e in entries
        if (e.msgid_plural and not (e.msgstr_plural.get(0) and e.msgstr_plural.get(1)))
        or (not e.msgid_plural and not e.msgstr)
    ]
    fuzzy = [e.msgid for e in entries if "fuzzy" in e.flags]
    assert untranslated == []
    assert fuzzy == []


def test_translations_keep_every_placeholder(catalogue):
    _header, entries = catalogue
    broken = []
    for e in entries:
        if not e.flags & {"python-format", "python-brace-format"}:
            continue
        pairs = (
            [(e.msgid, e.msgstr_plural[0]), (e.msgid_plural, e.msgstr_plural[1])]
            if e.msgid_plural
            else [(e.msgid, e.msgstr)]
        )
        for source, translation in pairs:
            if sorted(PLACEHOLDER.findall(source)) != sorted(PLACEHOLDER.findall(translation)):
                broken.append((source, translation))
    assert broken == []


def test_the_catalogue_has_every_message_marked_in_the_source(catalogue):
    """A message missing from the .po shows in Indonesian on English pages. (Entries whose
    message left the source are harmless; `make messages` drops them.)"""
    _header, entries = catalogue
    missing = sorted(source_messages() - {e.key for e in entries}, key=str)
    assert missing == [], "run `make messages`, translate, commit .po and .mo"


def test_no_message_is_marked_inside_an_f_string():
    """xgettext does not look inside f-strings, so such a message would never be translated."""
    found = {
        str(path.relative_to(PACKAGE_DIR)): lines
        for path in source_files()
        if path.suffix == ".py" and (lines := calls_inside_fstrings(path.read_text()))
    }
    assert found == {}


def test_makemessages_finds_nothing_new(catalogue, tmp_path, settings):
    """Where GNU gettext is installed (CI installs it), the real makemessages, run on a copy of
    the package, finds no msgid that the committed catalogue lacks; elsewhere the pure-Python
    extraction above is the check (it reads the templates through the same templatize step)."""
    _header, entries = catalogue
    committed = {e.key for e in entries}
    if not shutil.which("xgettext"):
        assert source_messages() <= committed
        return
    copy = tmp_path / "kotacerdas"
    shutil.copytree(PACKAGE_DIR, copy, ignore=shutil.ignore_patterns("__pycache__", "*.mo"))
    settings.LOCALE_PATHS = [copy / "locale"]
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(copy)
        call_command(
            "makemessages",
            locale=["en"],
            ignore_patterns=["index/*"],
            add_location="file",
            no_obsolete=True,
            verbosity=0,
        )
    _fresh_header, fresh = parse_po(copy / "locale" / "en" / "LC_MESSAGES" / "django.po")
    assert {e.key for e in fresh} <= committed, "run `make messages` and translate"


def test_the_compiled_catalogue_matches_the_po_file(catalogue):
    """The committed .mo translates every .po entry exactly as the .po says, and nothing else."""
    _header, entries = catalogue
    with MO_FILE.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    differences = []
    for e in entries:
        if e.msgid_plural:
            got = (
                compiled.npgettext(e.msgctxt, e.msgid, e.msgid_plural, 1)
                if e.msgctxt
                else compiled.ngettext(e.msgid, e.msgid_plural, 1),
                compiled.npgettext(e.msgctxt, e.msgid, e.msgid_plural, 2)
                if e.msgctxt
                else compiled.ngettext(e.msgid, e.msgid_plural, 2),
            )
            expected = (e.msgstr_plural[0], e.msgstr_plural[1])
        else:
            got = compiled.pgettext(e.msgctxt, e.msgid) if e.msgctxt else compiled.gettext(e.msgid)
            expected = e.msgstr
        if got != expected:
            differences.append((e.msgid, expected, got))
    assert differences == [], "run `make messages` (compilemessages) and commit the .mo"
    # Every message of the .mo comes from the .po (the header is the one extra entry).
    messages = {key for key in compiled._catalog if key != ""}
    singular = {key for key in messages if not isinstance(key, tuple)}
    plural = {key[0] for key in messages if isinstance(key, tuple)}
    expected_keys = {
        (f"{e.msgctxt}\x04{e.msgid}" if e.msgctxt else e.msgid) for e in entries if e.msgstr
    }
    expected_plural = {
        (f"{e.msgctxt}\x04{e.msgid}" if e.msgctxt else e.msgid) for e in entries if e.msgid_plural
    }
    assert singular == expected_keys
    assert plural == expected_plural
