"""The operator's self-assessment page at the product's upper size: one region, 300 indicators.

What it does:
1. Migrates the database named by ``DATABASE_URL`` (use a scratch one: everything in it is
   replaced), loads the official regions and the default instrument as cycle 2022, open (with
   ``--repeat 5`` every indicator five times: 300 indicators).
2. Kota Jambi's self-assessment: nine in ten indicators answered with a justification, a small
   PDF for every indicator that asks for evidence, except every tenth (bulk inserts, no
   history); its operator signed in (Django's test client, no network).
3. Times GET of the whole form, of ``?tampil=belum`` (only the indicators with a gap) and of
   ``?dimensi=GOV`` (Smart Governance, the largest dimension), ``--runs`` times each after one
   warm-up, and reports the median, the best, the queries and the size of the HTML.
4. Times the page's autosave (an htmx POST of one answer, and what it swaps back: the
   dimension's progress row and its gaps, the count of gaps), ``--runs`` times.
5. Times ``answers.save_answers`` (the API's batch) setting every level indicator at once.

Not part of the test suite; results go in docs/benchmarks.md ("The operator's self-assessment
page").

Usage (from the repository root):
    DATABASE_URL=sqlite:////tmp/form-bench.sqlite3 .venv/bin/python \\
        benchmarks/operator_form.py --repeat 5
"""

from __future__ import annotations

import statistics
import time
from datetime import timedelta
from decimal import Decimal

from national_db import arguments, fresh_database, national_instrument, setup

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def main() -> None:
    parser = arguments(__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    options = parser.parse_args()
    setup()

    from django.core.files.base import ContentFile
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse
    from django.utils import timezone

    from kotacerdas.accounts.models import User
    from kotacerdas.accounts.roles import Role
    from kotacerdas.evaluations.models import (
        Answer,
        Cycle,
        CycleState,
        Evidence,
        EvidenceKindStored,
        Submission,
    )
    from kotacerdas.evaluations.services import answers
    from kotacerdas.regions.models import Region

    fresh_database()
    instrument = national_instrument("kc-2022", options.repeat)
    cycle = Cycle.objects.create(
        year=2022,
        name="Benchmark 2022",
        instrument=instrument,
        state=CycleState.OPEN,
        submission_deadline=timezone.now() + timedelta(days=5),
        review_deadline=timezone.now() + timedelta(days=40),
    )
    jambi = Region.objects.get(code="15.71")
    submission = Submission.objects.create(cycle=cycle, region=jambi)
    operator = User.objects.create(username="bench.operator", role=Role.OPERATOR, region=jambi)
    indicators = list(instrument.indicators.order_by("pk"))
    Answer.objects.bulk_create(
        Answer(
            submission=submission,
            indicator=indicator,
            value=Decimal(1),
            justification=f"Penjelasan sintetis untuk {indicator.code}. " * 4,
            updated_by=operator,
        )
        for number, indicator in enumerate(indicators)
        if number % 10
    )
    for number, indicator in enumerate(indicators):
        if indicator.evidence_required and number % 10 != 1:
            evidence = Evidence(
                submission=submission,
                indicator=indicator,
                kind=EvidenceKindStored.FILE,
                original_name="laporan.pdf",
                content_type="application/pdf",
                size=len(PDF),
                uploaded_by=operator,
            )
            evidence.file.save(f"bench-{indicator.code}.pdf", ContentFile(PDF), save=False)
            evidence.save()

    client = Client(HTTP_HOST="localhost")
    client.force_login(operator)
    url = reverse("evaluations:submission_form", args=[2022, "15.71"])
    print(f"{connection.vendor}: 1 region × {len(indicators)} indicators")
    print("| page | median | best | queries | HTML |")
    print("| --- | --- | --- | --- | --- |")
    for label, query in (
        ("whole form", ""),
        ("only the gaps (`?tampil=belum`)", "?tampil=belum"),
        ("one dimension (`?dimensi=GOV`)", "?dimensi=GOV"),
    ):
        client.get(url + query)  # warm-up: templates compiled, caches filled
        seconds = []
        for _ in range(options.runs):
            with CaptureQueriesContext(connection) as queries:
                start = time.perf_counter()
                response = client.get(url + query)
                seconds.append(time.perf_counter() - start)
            assert response.status_code == 200, response.status_code
        size = len(response.content) / 1024
        print(
            f"| {label} | {statistics.median(seconds) * 1000:.0f} ms | "
            f"{min(seconds) * 1000:.0f} ms | {len(queries)} | {size:.0f} KiB |"
        )

    # The autosave of one answer, as the page sends it (a level indicator of Smart Governance).
    level = next(item for item in indicators if item.type == "level")
    save_url = reverse("evaluations:answer_save", args=[2022, "15.71", level.code])
    seconds = []
    for run in range(options.runs + 1):
        version = Answer.objects.filter(submission=submission, indicator=level).first()
        data = {
            "value": str(1 + run % 2),
            "justification": "Diubah lewat simpan otomatis.",
            "version": version.version if version else 0,
        }
        with CaptureQueriesContext(connection) as queries:
            start = time.perf_counter()
            response = client.post(save_url, data, HTTP_HX_REQUEST="true")
            took = time.perf_counter() - start
        assert response.status_code == 200, response.content
        if run:  # the first is the warm-up
            seconds.append(took)
    print(
        f"autosave: median {statistics.median(seconds) * 1000:.0f} ms, "
        f"best {min(seconds) * 1000:.0f} ms, {len(queries)} queries, "
        f"{len(response.content) / 1024:.1f} KiB back"
    )

    # A batch of answers through the API's service: every level indicator set to 2.
    stored = dict(Answer.objects.filter(submission=submission).values_list("indicator", "version"))
    changes = [
        answers.AnswerChange(indicator, Decimal(2), version=stored.get(indicator.pk, 0))
        for indicator in indicators
        if indicator.type == "level"
    ]
    with CaptureQueriesContext(connection) as queries:
        start = time.perf_counter()
        answers.save_answers(submission, changes, by=operator)
        took = time.perf_counter() - start
    print(
        f"save_answers: {len(changes)} answers in {took:.2f} s, {len(queries)} queries "
        f"({len(queries) / len(changes):.1f} an answer)"
    )


if __name__ == "__main__":
    main()
