"""YAML import and export: an exact round trip, and bad files rejected whole with every place."""

import pytest
import yaml

from kotacerdas.instruments.models import Indicator, Instrument, LevelDescriptor
from kotacerdas.instruments.services import (
    InstrumentFileError,
    export_yaml,
    import_yaml,
    instrument_tree,
)

SMALL = """\
format: kotacerdas-instrument/1
code: kecil
name: Instrumen kecil
aspects: {output: 20, outcome: 30}
dimensions:
  - code: GOV
    name: Smart Governance
    elements:
      - code: GOV.SVC
        name: Layanan Publik
        indicators:
          - code: GOV.SVC.01
            type: yesno
            aspect: output
            question: Apakah ada MPP?
            question_en: Is there a public service mall?
          - code: GOV.SVC.02
            type: number
            aspect: outcome
            unit: menit
            direction: lower
            goal_min: 5
            goal_max: 60.5
            question: Waktu layanan rata-rata?
            question_en: Average service time?
"""


def without_code(tree: dict) -> dict:
    return {key: value for key, value in tree.items() if key not in ("code", "name")}


def test_export_then_import_gives_an_identical_instrument(default_instrument):
    text = export_yaml(default_instrument)
    copy = import_yaml(text, code="kc-2022-rt", name="Round trip")
    assert without_code(instrument_tree(copy)) == without_code(instrument_tree(default_instrument))
    assert (
        export_yaml(copy)
        .replace("kc-2022-rt", "kc-2022")
        .replace("Round trip", default_instrument.name)
        == text
    )


def test_the_exported_document_reads_as_the_documented_format(default_instrument):
    document = yaml.safe_load(export_yaml(default_instrument))
    assert document["format"] == "kotacerdas-instrument/1"
    assert document["aspects"] == {
        "baseline": 10,
        "output": 20,
        "outcome": 30,
        "impact": 30,
        "quick_win": 10,
    }
    first = document["dimensions"][0]["elements"][0]["indicators"][0]
    assert first["code"] == "GOV.SVC.01"
    assert [level["level"] for level in first["levels"]] == [0, 1, 2, 3, 4, 5]


def test_a_small_file_imports_with_typed_values(db):
    instrument = import_yaml(SMALL.encode())
    number = instrument.indicators.get(code="GOV.SVC.02")
    assert (number.unit, number.direction, number.goal_max) == ("menit", -1, 60.5)
    assert instrument.aspects.count() == 2
    assert not instrument.is_frozen


BAD = """\
code: rusak
name: Instrumen rusak
aspects: {output: 20, outcome: -3, karisma: 5}
dimensions:
  - code: GOV
    name: Smart Governance
    elements:
      - code: GOV.SVC
        name: Layanan Publik
        indicators:
          - code: GOV.SVC.01
            type: rating
            aspect: output
            question: Apakah ada MPP?
            question_en: Is there a public service mall?
          - code: GOV.SVC.01
            type: level
            aspect: output
            weight: 0
            question: Tingkat MPP?
            levels:
              - {level: 0, description: Belum ada}
              - {level: 1, description: Dirintis}
          - code: GOV.SVC.03
            type: number
            aspect: impact
            question: Berapa?
            question_en: How many?
            colour: red
  - code: ENV
    name: Smart Environment
    elements: []
"""


def test_a_bad_file_lists_every_problem_with_its_path_and_line_and_writes_nothing(db):
    with pytest.raises(InstrumentFileError) as caught:
        import_yaml(BAD)
    details = caught.value.details
    text = "\n".join(details)
    expected = [
        "aspects.outcome (baris 3): harus lebih besar dari 0",
        "aspects.karisma (baris 3): 'karisma' tidak dikenal",
        "dimensions[0].elements[0].indicators[0].type (baris 12): 'rating' tidak dikenal",
        "dimensions[0].elements[0].indicators[1].code (baris 16): GOV.SVC.01 sudah dipakai",
        "dimensions[0].elements[0].indicators[1].weight (baris 19): harus lebih besar dari 0",
        "dimensions[0].elements[0].indicators[1].question_en (baris 16): wajib diisi",
        "dimensions[0].elements[0].indicators[2].colour (baris 29): kunci tidak dikenal",
        "dimensions[0].elements[0].indicators[2].unit (baris 24): indikator angka membutuhkan satuan",
        "dimensions[0].elements[0].indicators[2].goal_min (baris 24): indikator angka membutuhkan",
        "dimensions[1].code (baris 30): dimensi ENV belum memiliki elemen",
    ]
    for fragment in expected:
        assert fragment in text, f"{fragment!r} not in:\n{text}"
    assert len(details) == 11
    assert caught.value.message.startswith("Berkas instrumen tidak dapat diimpor")
    assert Instrument.objects.count() == 0
    assert Indicator.objects.count() == LevelDescriptor.objects.count() == 0


def test_missing_rubric_levels_are_named_on_the_indicator(db):
    text = SMALL.replace("type: yesno", "type: level")
    text = text.replace(
        "question_en: Is there a public service mall?",
        "question_en: Is there a public service mall?\n"
        "            levels:\n"
        "              - {level: 0, description: Belum ada}\n"
        "              - {level: 0, description: Lagi}\n"
        "              - {level: 6, description: Lebih}",
    )
    with pytest.raises(InstrumentFileError) as caught:
        import_yaml(text)
    text = "\n".join(caught.value.details)
    assert "indicators[0].levels[1].level (baris 19): tingkat 0 indikator GOV.SVC.01 sudah" in text
    assert (
        "indicators[0].levels[2].level (baris 20): tingkat harus bilangan bulat 0 sampai 5" in text
    )
    assert "indicators[0].levels (baris 18): deskripsi tingkat 1, 2, 3, 4, 5 belum ada" in text


def test_an_aspect_without_a_weight_is_named_on_the_indicator(db):
    with pytest.raises(InstrumentFileError) as caught:
        import_yaml(SMALL.replace("aspects: {output: 20, outcome: 30}", "aspects: {output: 20}"))
    assert caught.value.details == [
        "dimensions[0].elements[0].indicators[1].aspect (baris 19): "
        "aspek outcome tidak punya bobot di bagian aspects"
    ]


def test_levels_on_a_yes_no_indicator_and_goalposts_on_a_level_are_refused(db):
    text = SMALL.replace(
        "question_en: Is there a public service mall?",
        "question_en: Is there a public service mall?\n"
        "            goal_max: 3\n"
        "            levels:\n"
        "              - {level: 0, description: Belum ada}",
    )
    with pytest.raises(InstrumentFileError) as caught:
        import_yaml(text)
    text = "\n".join(caught.value.details)
    assert (
        "indicators[0].goal_max (baris 17): goalpost hanya untuk indikator bertipe number" in text
    )
    assert "deskripsi tingkat hanya untuk tipe level" in text


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("code: [unclosed", ": YAML tidak valid"),
        ("- just\n- a list\n", "(dokumen) (baris 1): harus berupa mapping"),
        ("", "berkas YAML kosong"),
        ("a: &x 1\nb: *x\n", "baris 2: alias YAML (*nama) tidak diizinkan"),
        ("format: lain/2\ncode: x\n", "format (baris 1): harus kotacerdas-instrument/1"),
    ],
)
def test_unreadable_documents_are_named(db, text, message):
    with pytest.raises(InstrumentFileError) as caught:
        import_yaml(text)
    assert any(message in detail for detail in caught.value.details), caught.value.details


def test_an_existing_or_reserved_code_is_refused(default_instrument):
    with pytest.raises(InstrumentFileError) as caught:
        import_yaml(SMALL, code="kc-2022")
    assert "instrumen dengan kode kc-2022 sudah ada" in str(caught.value)
    with pytest.raises(InstrumentFileError) as caught:
        import_yaml(SMALL, code="impor")
    assert "dicadangkan" in str(caught.value)
    assert Instrument.objects.count() == 1


def test_a_file_over_the_size_cap_is_refused(db, settings):
    settings.INSTRUMENT_FILE_MAX_BYTES = 100
    with pytest.raises(InstrumentFileError) as caught:
        import_yaml(SMALL)
    assert "lebih besar dari batas" in str(caught.value)
