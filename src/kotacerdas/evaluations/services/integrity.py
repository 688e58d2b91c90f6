"""Integrity checks on what regions submitted: evidence reused across regions, and large gaps
between a region's self-assessment and the value settled for it.

Every function here only reads, computed on the fly from the stored rows (nothing is cached or
written), in a fixed number of queries whatever the number of regions. A flag is a question for
a person, never a verdict: see docs/integrity.md for what each check does and does not prove.

Decisions:

- **Files** are compared by the SHA-256 the evidence service stores on upload (empty digests are
  ignored). A file is *shared* when current (not superseded) evidence with the same digest was
  submitted by two or more regions, in this cycle or in any other cycle. The same region sending
  the same file again, for another indicator or in another year, is not a flag: one masterplan
  or one regulation legitimately supports many indicators and stays valid for years.
- **Texts**: an answer's justification is compared after :func:`normalise_text` (the demo's
  "[Data sintetis]" label removed, Unicode NFKC, case folded, punctuation and runs of whitespace
  turned into one space), by the SHA-256 of that form, and only when the normalised text has at
  least ``MIN_TEXT_LENGTH`` characters (so "Sudah ada." is never flagged). Like files: two or
  more regions, in this cycle or any other; a region reusing its own text is not a flag. Only
  exact copies after normalisation are found here.
- **Near-duplicate texts** (:func:`near_duplicate_texts`): the same indicator's justifications
  from two or more regions whose word 3-gram shingles have a Jaccard similarity of at least
  ``NEAR_DUPLICATE_THRESHOLD`` once the region's own name and code are masked and quoted rubric
  levels removed; found by ``kotacerdas.evaluations.similarity`` (exact prefix filtering, not
  all pairs). Exact copies link nothing there: they stay in the check above.
- **Links** are compared after :func:`normalise_url` and only within the cycle: national portals
  cited year after year are common; a link cited by several regions in the same cycle is listed.
- **Self-assessment gaps** use the moderation queue's scale (``scoring.normalise``, and the
  relative difference ``moderation.spread_points`` uses for numbers without goalposts) and the
  cycle's own moderation thresholds: a level indicator is flagged when the region's answer and
  the reference are ``cycle.disagreement_levels`` (default 2) or more levels apart, another
  indicator when they are more than ``cycle.disagreement_points`` (default 20) points apart on
  0–100, and any indicator where one says "not applicable" and the other does not. The
  reference is the final value; before moderation (no final value yet) it is the mean of the
  assessors' scores, marked provisional.
"""

from __future__ import annotations

import hashlib
import itertools
import re
import unicodedata
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from django.core.cache import cache
from django.db.models import Count, Max, Q
from django.db.models.functions import Length

from kotacerdas.instruments.models import Indicator, IndicatorType, LevelDescriptor

from .. import similarity
from ..models import (
    Answer,
    Cycle,
    Evidence,
    EvidenceKindStored,
    FinalValue,
    Score,
    Submission,
)
from .moderation import spread_points

# Query parameters that only track where a click came from; dropped before comparing links.
TRACKING_PARAMETERS = ("utm_", "fbclid", "gclid", "igshid", "mc_", "_ga")


# --- Evidence reuse -----------------------------------------------------------------------------


@dataclass(frozen=True)
class EvidenceUse:
    """One current piece of evidence: whose, which cycle, which indicator (empty: general)."""

    evidence_id: int
    region_id: int
    region_code: str
    region_name: str
    year: int
    indicator: str
    name: str


@dataclass
class SharedEvidence:
    """A file digest or a normalised link used by more than one region."""

    key: str  # the SHA-256, or the normalised URL
    uses: list[EvidenceUse] = field(default_factory=list)

    @property
    def regions(self) -> list[tuple[str, str]]:
        """(code, name) of every region that used it, sorted by code."""
        return sorted({(use.region_code, use.region_name) for use in self.uses})

    @property
    def name(self) -> str:
        """A file name (or the link) to recognise it by."""
        return self.uses[0].name if self.uses else ""


_USE_FIELDS = (
    "pk",
    "submission__region_id",
    "submission__region__code",
    "submission__region__name",
    "submission__cycle__year",
    "indicator__code",
    "original_name",
)


def _use(row) -> EvidenceUse:
    pk, region_id, code, name, year, indicator, original_name = row
    return EvidenceUse(pk, region_id, code, name, year, indicator or "", original_name)


def _current_files():
    return Evidence.objects.filter(kind=EvidenceKindStored.FILE, superseded=False).exclude(
        sha256=""
    )


def shared_files(cycle: Cycle) -> list[SharedEvidence]:
    """Every file of ``cycle`` whose digest another region also submitted (in this cycle or in
    another one), with all its uses in every cycle, most regions first.

    Guarantees: read-only; two queries whatever the size of the cycle; a digest used only by one
    region (however often, in whatever year) is not listed.
    """
    digests = _current_files().filter(submission__cycle=cycle).values("sha256")
    by_digest: dict[str, list[EvidenceUse]] = defaultdict(list)
    rows = (
        _current_files()
        .filter(sha256__in=digests)
        .order_by("sha256", "submission__cycle__year", "submission__region__code", "pk")
        .values_list("sha256", *_USE_FIELDS)
    )
    for digest, *rest in rows:
        by_digest[digest].append(_use(rest))
    found = [
        SharedEvidence(digest, uses)
        for digest, uses in by_digest.items()
        if len({use.region_id for use in uses}) > 1
    ]
    return sorted(found, key=lambda item: (-len(item.regions), item.uses[0].region_code, item.key))


def normalise_url(url: str) -> str:
    """A link reduced to what identifies the page: scheme and host in lower case, ``www.`` and
    default ports dropped, ``http`` and ``https`` alike, no fragment, no trailing slash, query
    parameters sorted and tracking ones (``utm_*``, ``fbclid``, ...) removed.

    ``HTTPS://www.Example.go.id:443/data/?b=2&a=1&utm_source=x#top`` → ``example.go.id/data?a=1&b=2``
    """
    parts = urlsplit(url.strip())
    host = (parts.hostname or "").lower()
    host = host.removeprefix("www.")
    port = parts.port if parts.port not in (None, 80, 443) else None
    netloc = f"{host}:{port}" if port else host
    query = sorted(
        (key, value)
        for key, value in parse_qsl(parts.query, keep_blank_values=True)
        if not key.lower().startswith(TRACKING_PARAMETERS)
    )
    path = parts.path.rstrip("/")
    return urlunsplit(("", netloc, path, urlencode(query), "")).removeprefix("//")


def shared_links(cycle: Cycle) -> list[SharedEvidence]:
    """Every link cited as current evidence by two or more regions of ``cycle`` (compared by
    :func:`normalise_url`), most regions first. Read-only; one query."""
    by_url: dict[str, list[EvidenceUse]] = defaultdict(list)
    rows = (
        Evidence.objects.filter(
            submission__cycle=cycle, kind=EvidenceKindStored.LINK, superseded=False
        )
        .order_by("submission__region__code", "pk")
        .values_list("url", *_USE_FIELDS)
    )
    for url, *rest in rows:
        pk, region_id, code, name, year, indicator, _name = rest
        by_url[normalise_url(url)].append(
            EvidenceUse(pk, region_id, code, name, year, indicator or "", url)
        )
    found = [
        SharedEvidence(url, uses)
        for url, uses in by_url.items()
        if url and len({use.region_id for use in uses}) > 1
    ]
    return sorted(found, key=lambda item: (-len(item.regions), item.key))


@dataclass(frozen=True)
class SharedWith:
    """Another region that submitted the same file (shown to the region's assessors)."""

    region_code: str
    region_name: str
    year: int


def shared_with(submission: Submission) -> dict[int, list[SharedWith]]:
    """Evidence id (of ``submission``'s current files) → the *other* regions that submitted the
    same file, in any cycle, sorted by year and code. Only regions and years: never which
    indicator or file of theirs (an assessor of this region may not see the other region's
    self-assessment). Read-only; one query."""
    own = _current_files().filter(submission=submission)
    digests = dict(own.values_list("pk", "sha256"))
    if not digests:
        return {}
    others: dict[str, set[SharedWith]] = defaultdict(set)
    for digest, code, name, year in (
        _current_files()
        .filter(sha256__in=set(digests.values()))
        .exclude(submission__region_id=submission.region_id)
        .values_list(
            "sha256",
            "submission__region__code",
            "submission__region__name",
            "submission__cycle__year",
        )
    ):
        others[digest].add(SharedWith(code, name, year))
    return {
        pk: sorted(others[digest], key=lambda item: (item.year, item.region_code))
        for pk, digest in digests.items()
        if others.get(digest)
    }


# --- The same justification text from several regions ------------------------------------------

# A justification shorter than this after normalisation is not compared ("Sudah ada", "Lihat
# lampiran" and the like are written independently by many regions).
MIN_TEXT_LENGTH = 80
# The label every synthetic demo text carries; removed before comparing, so that it never makes
# two texts equal (or long enough) by itself.
DEMO_LABEL = "[Data sintetis]"
_DEMO_LABEL = re.compile(re.escape(DEMO_LABEL), re.IGNORECASE)
_NOT_A_WORD = re.compile(r"[\W_]+")
# The same for ASCII text (most justifications), several times faster than the expression: as
# bytes, upper case letters become lower case and every character but an ASCII letter or digit
# a space, then runs of spaces collapse. (NFKC leaves ASCII as it is; its case folding is
# lower case.)
_ASCII_WORDS = (
    bytes(c | 0x20 if chr(c).isupper() else c if chr(c).isalnum() else ord(" ") for c in range(128))
    + b" " * 128
)
_SPACES = re.compile(rb"  +")


def normalise_text(text: str) -> str:
    """A justification reduced to its words: the demo label removed, Unicode NFKC, case folded,
    every run of punctuation, symbols and whitespace turned into one space, trimmed.

    ``"[Data sintetis]  MPP   Kota Jambi -- sudah BEROPERASI."`` → ``"mpp kota jambi sudah beroperasi"``
    """
    if "[" in text:
        text = _DEMO_LABEL.sub(" ", text)
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text).casefold()
        if not text.isascii():
            return _NOT_A_WORD.sub(" ", text).strip()
    spaced = text.encode("ascii").translate(_ASCII_WORDS)
    return _SPACES.sub(b" ", spaced).strip().decode("ascii")


def text_key(text: str) -> str | None:
    """The SHA-256 of the normalised text, or None when it is shorter than ``MIN_TEXT_LENGTH``."""
    normal = normalise_text(text)
    if len(normal) < MIN_TEXT_LENGTH:
        return None
    return hashlib.sha256(normal.encode()).hexdigest()


@dataclass(frozen=True)
class TextUse:
    """One answer whose justification is the shared text: whose, which cycle, which indicator."""

    answer_id: int
    region_id: int
    region_code: str
    region_name: str
    year: int
    indicator: str


@dataclass
class SharedText:
    """A justification (compared after :func:`normalise_text`) written by more than one region.
    ``text`` is the first use as written."""

    key: str
    text: str
    uses: list[TextUse] = field(default_factory=list)

    @property
    def regions(self) -> list[tuple[str, str]]:
        """(code, name) of every region that used it, sorted by code."""
        return sorted({(use.region_code, use.region_name) for use in self.uses})


_TEXT_FIELDS = (
    "justification",
    "pk",
    "submission__region_id",
    "submission__region__code",
    "submission__region__name",
    "submission__cycle__year",
    "indicator__code",
)


def _long_justifications():
    # The stored length pre-filters what the database sends; the rule is on the normalised text.
    return (
        Answer.objects.annotate(text_length=Length("justification"))
        .filter(text_length__gte=MIN_TEXT_LENGTH)
        .order_by("submission__cycle__year", "submission__region__code", "indicator__code", "pk")
        .values_list(*_TEXT_FIELDS)
    )


def shared_texts(cycle: Cycle) -> list[SharedText]:
    """Every justification of ``cycle`` that another region also wrote (in this cycle or in
    another one), compared by :func:`text_key`, with all its uses in every cycle, most regions
    first.

    Guarantees: read-only; two queries whatever the number of regions or cycles (other cycles'
    answers are streamed and only those matching a text of ``cycle`` are kept); a text shorter
    than ``MIN_TEXT_LENGTH`` after normalisation, or written only by one region (however often,
    in whatever year), is not listed.
    """
    by_key: dict[str, list[tuple[str, TextUse]]] = defaultdict(list)
    for text, *rest in _long_justifications().filter(submission__cycle=cycle):
        key = text_key(text)
        if key is not None:
            by_key[key].append((text, TextUse(*rest)))
    if not by_key:
        return []
    for text, *rest in (
        _long_justifications().exclude(submission__cycle=cycle).iterator(chunk_size=2000)
    ):
        key = text_key(text)
        if key in by_key:
            by_key[key].append((text, TextUse(*rest)))
    found = []
    for key, uses in by_key.items():
        if len({use.region_id for _text, use in uses}) < 2:
            continue
        uses.sort(key=lambda item: (item[1].year, item[1].region_code, item[1].indicator))
        found.append(SharedText(key, uses[0][0], [use for _text, use in uses]))
    return sorted(found, key=lambda item: (-len(item.regions), item.uses[0].region_code, item.key))


# --- Near-duplicate justifications from several regions ---------------------------------------

# Jaccard similarity of word 3-gram shingles at or above which two justifications are flagged
# (kotacerdas.evaluations.similarity: one word changed in a text of 29 words is exactly 0.8).
NEAR_DUPLICATE_THRESHOLD = similarity.THRESHOLD
# Other cycles' answers are streamed from the database 2,000 rows at a time and compared this
# many at a time, so they are never all in memory (a few MB per batch); larger batches look
# shingles up in the index faster (measured in docs/benchmarks.md).
PROBE_BATCH = 10_000
# What a region's own name or code becomes before comparing (one word, never in a real text).
REGION_MASK = "_daerah_"
_KIND_WORDS = ("kota ", "kabupaten ", "kab ", "provinsi ", "prov ")


def region_names(name: str, code: str) -> list[str]:
    """The normalised forms of a region that :func:`comparable_text` masks: its name
    ("kota sungai penuh"), the name without its kind ("sungai penuh") and its code ("15 72"),
    longest first."""
    full = normalise_text(name)
    forms = {full, normalise_text(code)}
    for word in _KIND_WORDS:
        if full.startswith(word) and len(full) > len(word):
            forms.add(full.removeprefix(word))
    return sorted((form for form in forms if form), key=len, reverse=True)


def comparable_text(text: str, names: list[str], rubric: Sequence[str] = ()) -> str:
    """The form of a justification that the near-duplicate check compares: :func:`normalise_text`,
    then the instrument's rubric for the indicator (``rubric``: normalised level descriptions)
    removed where it is quoted whole, and the region's own name and code (``names``, from
    :func:`region_names`) replaced by ``REGION_MASK``. Two regions quoting the same rubric level
    are not near-duplicates; a text whose only change is the region's name is."""
    return _masked(normalise_text(text), names, rubric)


def _masked(normal: str, names: list[str], rubric: Sequence[str]) -> str:
    padded = f" {normal} "
    for descriptor in rubric:
        if descriptor and descriptor in padded:
            padded = padded.replace(f" {descriptor} ", " ")
    for name in names:
        if name in padded:
            # Twice: in " x x " the first replacement consumes the space the second one needs.
            for _ in range(2):
                padded = padded.replace(f" {name} ", f" {REGION_MASK} ")
    return padded.strip()


@dataclass(frozen=True)
class SimilarUse:
    """One answer of a near-duplicate group: whose, which cycle and indicator, its text as
    written, and its highest similarity (0–1) to another answer of the group."""

    answer_id: int
    region_id: int
    region_code: str
    region_name: str
    year: int
    indicator: str
    text: str
    similarity: float
    digest: str  # text_key of the text, so an edited answer changes the group's fingerprint


@dataclass
class SimilarTexts:
    """Answers of two or more regions whose justifications are near-duplicates (and not all
    exact copies of each other): ``uses`` sorted by year, region, indicator."""

    uses: list[SimilarUse]
    lowest: float  # the lowest and highest similarity of the linked pairs (0–1)
    highest: float

    @property
    def regions(self) -> list[tuple[str, str]]:
        return sorted({(use.region_code, use.region_name) for use in self.uses})

    @property
    def key(self) -> str:
        """What identifies the group: its answers and their texts."""
        return " ".join(f"{use.answer_id}:{use.digest[:16]}" for use in self.uses)


_NEAR_FIELDS = (*_TEXT_FIELDS, "indicator_id")


def _rubrics() -> dict[int, list[str]]:
    """Indicator id → its level descriptions, normalised, longest first (one query)."""
    found: dict[int, list[str]] = defaultdict(list)
    for indicator_id, description in LevelDescriptor.objects.values_list(
        "indicator_id", "description"
    ):
        found[indicator_id].append(normalise_text(description))
    return {key: sorted(value, key=len, reverse=True) for key, value in found.items()}


def near_duplicate_texts(
    cycle: Cycle, *, threshold: float = NEAR_DUPLICATE_THRESHOLD
) -> list[SimilarTexts]:
    """Groups of answers, at least one of ``cycle``, from two or more regions, whose
    justifications for the same indicator code (in this cycle or any other) are near-duplicates:
    a Jaccard similarity of word 3-gram shingles of :func:`comparable_text` of at least
    ``threshold``. Most regions first.

    Guarantees: read-only; three queries whatever the number of regions or cycles (this cycle's
    long justifications are indexed, other cycles' are streamed and only the matching ones
    kept); texts shorter than ``MIN_TEXT_LENGTH`` (normalised, and again once the rubric is
    removed) are not compared; a pair of the same region, or of texts equal after
    :func:`normalise_text` (the exact-copy check lists those), links nothing, so a group made
    only of exact copies is never listed here.
    """
    rubrics = _rubrics()
    names: dict[int, list[str]] = {}
    rows: dict[int, tuple] = {}  # answer id → its row (the text first)

    def item(row) -> similarity.Item | None:
        text, pk, region_id, code, name, _year, indicator, indicator_id = row
        normal = normalise_text(text)
        if len(normal) < MIN_TEXT_LENGTH:
            return None
        if region_id not in names:
            names[region_id] = region_names(name, code)
        compared = _masked(normal, names[region_id], rubrics.get(indicator_id, ()))
        if len(compared) < MIN_TEXT_LENGTH:
            return None
        rows[pk] = row
        return similarity.Item(pk, compared.split(), indicator, region_id)

    # Streamed into the index: each text's list of words is freed once read.
    own = (
        found
        for row in _long_justifications().filter(submission__cycle=cycle).values_list(*_NEAR_FIELDS)
        if (found := item(row)) is not None
    )
    index = similarity.ShingleIndex(own, threshold=threshold)
    if not index.keys:
        return []
    matches = index.pairs()
    others = (
        _long_justifications()
        .exclude(submission__cycle=cycle)
        .values_list(*_NEAR_FIELDS)
        .iterator(chunk_size=2000)
    )

    def probes(batch, compared: list[int]):
        # Made as they are compared, so that no list of words outlives its chunk.
        for row in batch:
            if (found := item(row)) is not None:
                compared.append(found.key)
                yield found

    while batch := list(itertools.islice(others, PROBE_BATCH)):
        compared: list[int] = []
        found = index.matches_many(probes(batch, compared))
        matches.extend(found)
        matched = {match.second for match in found}
        for pk in compared:
            if pk not in matched:
                del rows[pk]  # not similar to anything of this cycle: not kept

    digests: dict[int, str] = {}

    def digest(pk: int) -> str:
        # text_key of an answer that matched (only those: most answers match nothing).
        if pk not in digests:
            digests[pk] = hashlib.sha256(normalise_text(rows[pk][0]).encode()).hexdigest()
        return digests[pk]

    matches = [match for match in matches if digest(match.first) != digest(match.second)]
    best: dict[int, float] = defaultdict(float)
    for match in matches:
        best[match.first] = max(best[match.first], match.similarity)
        best[match.second] = max(best[match.second], match.similarity)
    keyed = similarity.groups(matches)
    group_of = {pk: number for number, keys in enumerate(keyed) for pk in keys}
    linked: dict[int, list[float]] = defaultdict(list)
    for match in matches:
        linked[group_of[match.first]].append(match.similarity)
    found_groups = []
    for number, keys in enumerate(keyed):
        uses = []
        for pk in keys:
            text, _pk, region_id, code, name, year, indicator, _indicator_id = rows[pk]
            uses.append(
                SimilarUse(pk, region_id, code, name, year, indicator, text, best[pk], digest(pk))
            )
        uses.sort(key=lambda use: (use.year, use.region_code, use.indicator, use.answer_id))
        found_groups.append(SimilarTexts(uses, min(linked[number]), max(linked[number])))
    return sorted(
        found_groups,
        key=lambda group: (-len(group.regions), -group.highest, group.uses[0].region_code),
    )


# Part of the cache key: bump it when what near_duplicate_texts returns changes shape or meaning.
NEAR_DUPLICATES_VERSION = 1
NEAR_DUPLICATES_TIMEOUT = 24 * 60 * 60


def answers_fingerprint() -> str:
    """What changes whenever an answer anywhere is added, removed or saved: their number, the
    highest id and the newest ``updated_at`` (every save goes through ``answers`` and sets it).
    One aggregate query."""
    found = Answer.objects.aggregate(n=Count("id"), top=Max("id"), last=Max("updated_at"))
    last = found["last"].isoformat() if found["last"] else "-"
    return f"{found['n']}:{found['top']}:{last}"


def cached_near_duplicate_texts(
    cycle: Cycle, *, threshold: float = NEAR_DUPLICATE_THRESHOLD
) -> list[SimilarTexts]:
    """:func:`near_duplicate_texts`, kept in the default cache until an answer changes anywhere
    (the comparison spans every cycle): the same result, computed once per state of the answers
    instead of on every opening of the integrity page (seconds at national scale). Rubrics and
    region names, the other inputs, do not change once a cycle has answers (its instrument is
    frozen)."""
    key = (
        f"kc:near-duplicates:v{NEAR_DUPLICATES_VERSION}:{cycle.pk}:{threshold}:"
        f"{answers_fingerprint()}"
    )
    found = cache.get(key)
    if found is None:
        found = near_duplicate_texts(cycle, threshold=threshold)
        cache.set(key, found, NEAR_DUPLICATES_TIMEOUT)
    return found


# --- Self-assessment against the settled value --------------------------------------------------


class GapKind:
    HIGHER = "higher"  # the region rated itself higher
    LOWER = "lower"
    NOT_APPLICABLE = "not_applicable"  # one says "not applicable", the other does not


@dataclass
class Gap:
    """One indicator of one region where the self-assessment and the reference differ widely.
    ``levels`` for level indicators; ``points`` on 0–100 (None for a "not applicable" dispute)."""

    indicator: Indicator
    answer: Decimal | None
    answer_not_applicable: bool
    reference: Decimal | None
    reference_not_applicable: bool
    points: Decimal | None
    levels: Decimal | None
    kind: str


@dataclass
class RegionGaps:
    """One region's self-assessment compared with the settled (or provisional) values.

    ``bias``: the mean signed gap (answer − reference) on 0–100 over every compared indicator,
    positive when the region rated itself higher than the assessors did (None when nothing could
    be compared)."""

    submission: Submission
    compared: int = 0
    provisional: int = 0
    bias: Decimal | None = None
    flagged: list[Gap] = field(default_factory=list)

    @property
    def region(self):
        return self.submission.region


def _points(indicator: Indicator, answer: Decimal, reference: Decimal) -> Decimal:
    """answer − reference on 0–100, as the moderation queue measures gaps (signed)."""
    spread = spread_points(indicator, [answer, reference])
    return spread if answer >= reference else -spread


def _signed(indicator: Indicator, answer: Decimal, reference: Decimal) -> Decimal:
    """The signed gap on 0–100, turned by the indicator's direction (a number where lower is
    better and the region claims less is a region rating itself higher)."""
    points = _points(indicator, answer, reference)
    if indicator.type == IndicatorType.NUMBER and indicator.direction < 0:
        return -points
    return points


def _references(cycle: Cycle) -> dict[tuple[int, int], tuple[Decimal | None, bool, bool]]:
    """(submission id, indicator id) → (value, not applicable, provisional): the final value, or
    else the mean of the assessors' values (not applicable when all of them said so)."""
    found: dict[tuple[int, int], tuple[Decimal | None, bool, bool]] = {}
    for submission_id, indicator_id, value, not_applicable in FinalValue.objects.filter(
        submission__cycle=cycle
    ).values_list("submission_id", "indicator_id", "value", "not_applicable"):
        found[(submission_id, indicator_id)] = (value, not_applicable, False)
    submissions = dict(Submission.objects.filter(cycle=cycle).values_list("region_id", "pk"))
    scored: dict[tuple[int, int], list[tuple[Decimal | None, bool]]] = defaultdict(list)
    for region_id, indicator_id, value, not_applicable in (
        Score.objects.filter(assignment__cycle=cycle)
        .filter(Q(value__isnull=False) | Q(not_applicable=True))
        .values_list("assignment__region_id", "indicator_id", "value", "not_applicable")
    ):
        submission_id = submissions.get(region_id)
        if submission_id is not None and (submission_id, indicator_id) not in found:
            scored[(submission_id, indicator_id)].append((value, not_applicable))
    for key, values in scored.items():
        numbers = [value for value, na in values if not na and value is not None]
        if numbers:
            found[key] = (sum(numbers) / len(numbers), False, True)
        else:
            found[key] = (None, True, True)
    return found


def self_assessment_gaps(cycle: Cycle) -> list[RegionGaps]:
    """Per submitted or returned region: how many indicators could be compared, the bias and the
    flagged gaps (see the module docstring for the thresholds), regions with most flags first.

    Guarantees: read-only; a fixed number of queries whatever the number of regions; an
    indicator without an answer or without a reference is not compared.
    """
    indicators = {
        indicator.pk: indicator
        for indicator in Indicator.objects.filter(instrument_id=cycle.instrument_id)
        .select_related("element__dimension")
        .order_by("element__dimension__order", "element__order", "order")
    }
    submissions = {
        submission.pk: submission
        for submission in Submission.objects.filter(cycle=cycle)
        .exclude(submitted_at__isnull=True)
        .select_related("region")
    }
    references = _references(cycle)
    rows = {pk: RegionGaps(submission) for pk, submission in submissions.items()}
    sums: dict[int, Decimal] = defaultdict(Decimal)
    counted: dict[int, int] = defaultdict(int)
    answers = Answer.objects.filter(submission_id__in=list(submissions)).filter(
        Q(value__isnull=False) | Q(not_applicable=True)
    )
    for submission_id, indicator_id, value, not_applicable in answers.values_list(
        "submission_id", "indicator_id", "value", "not_applicable"
    ):
        reference = references.get((submission_id, indicator_id))
        indicator = indicators.get(indicator_id)
        if reference is None or indicator is None:
            continue
        ref_value, ref_na, provisional = reference
        if ref_value is None and not ref_na:
            continue  # settled as missing
        row = rows[submission_id]
        row.compared += 1
        row.provisional += provisional
        gap = _gap(cycle, indicator, value, not_applicable, ref_value, ref_na)
        if gap is not None and gap.points is not None:
            sums[submission_id] += gap.points
            counted[submission_id] += 1
        if gap is not None and _flagged(cycle, gap):
            row.flagged.append(gap)
    position = {pk: number for number, pk in enumerate(indicators)}
    for pk, row in rows.items():
        if counted[pk]:
            row.bias = (sums[pk] / counted[pk]).quantize(Decimal("0.1"))
        row.flagged.sort(key=lambda gap: position[gap.indicator.pk])
    return sorted(
        rows.values(),
        key=lambda row: (-len(row.flagged), -(abs(row.bias) if row.bias else 0), row.region.code),
    )


def _gap(cycle, indicator, value, not_applicable, ref_value, ref_na) -> Gap | None:
    if not_applicable or ref_na:
        if not_applicable == ref_na:
            return None
        return Gap(
            indicator, value, not_applicable, ref_value, ref_na, None, None, GapKind.NOT_APPLICABLE
        )
    points = _signed(indicator, value, ref_value)
    levels = value - ref_value if indicator.type == IndicatorType.LEVEL else None
    kind = GapKind.HIGHER if points >= 0 else GapKind.LOWER
    return Gap(
        indicator,
        value,
        False,
        ref_value,
        False,
        points.quantize(Decimal("0.1")),
        levels,
        kind,
    )


def _flagged(cycle: Cycle, gap: Gap) -> bool:
    if gap.kind == GapKind.NOT_APPLICABLE:
        return True
    if gap.levels is not None:
        return abs(gap.levels) >= cycle.disagreement_levels
    return abs(gap.points) > cycle.disagreement_points
