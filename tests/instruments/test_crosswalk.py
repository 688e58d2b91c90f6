"""Crosswalks: suggestions by code and kind, validation naming rows, CSV round trip, and the
comparable pairs the index engine uses."""

import pytest

from kotacerdas.instruments.models import Crosswalk, Indicator, IndicatorType
from kotacerdas.instruments.services import (
    CrosswalkFileError,
    EntryRow,
    comparable_pairs,
    export_crosswalk_csv,
    import_crosswalk_csv,
    save_entries,
    suggest_crosswalk,
)
from tests.factories import make_instrument


@pytest.fixture
def pair(db):
    """Two instruments: in the new one GOV.SVC.02 turned from yes/no into a level, ENV.WAS.02's
    goalposts changed, ENV.WAS.01 was retired and ENV.WAS.09 is new."""
    old, new = make_instrument("lama"), make_instrument("baru")
    new.indicators.filter(code="GOV.SVC.02").update(type=IndicatorType.LEVEL)
    new.indicators.filter(code="ENV.WAS.02").update(goal_max=500)
    retired = new.indicators.get(code="ENV.WAS.01")
    retired.code = "ENV.WAS.09"
    retired.save()
    return old, new


def entries(crosswalk: Crosswalk) -> dict:
    return {
        (e.source_code, e.target_code): (e.kind, e.needs_review) for e in crosswalk.entries.all()
    }


def test_suggestions_follow_code_and_kind(pair):
    old, new = pair
    crosswalk = suggest_crosswalk(old, new)
    assert entries(crosswalk) == {
        ("GOV.SVC.01", "GOV.SVC.01"): ("same", False),
        ("GOV.SVC.02", "GOV.SVC.02"): ("rescaled", True),
        ("ENV.WAS.02", "ENV.WAS.02"): ("rescaled", True),
        ("ENV.WAS.01", ""): ("retired", False),
        ("", "ENV.WAS.09"): ("new", False),
    }
    note = crosswalk.entries.get(source_code="GOV.SVC.02").note
    assert "yesno → level" in note
    assert comparable_pairs(crosswalk) == [("GOV.SVC.01", "GOV.SVC.01", None)]


def test_suggesting_again_keeps_the_admins_entries_and_drops_stale_ones(pair):
    old, new = pair
    crosswalk = suggest_crosswalk(old, new)
    rows = [
        EntryRow("1", "renamed", "ENV.WAS.01", "ENV.WAS.09", note="kode baru"),
        EntryRow("2", "rescaled", "GOV.SVC.02", "GOV.SVC.02", {"0": 0, "1": 5}),
        EntryRow("3", "same", "GOV.SVC.01", "GOV.SVC.01"),
    ]
    save_entries(crosswalk, rows)
    Indicator.objects.filter(instrument=new, code="GOV.SVC.01").update(code="GOV.SVC.05")
    crosswalk = suggest_crosswalk(old, new)
    assert entries(crosswalk) == {
        ("ENV.WAS.01", "ENV.WAS.09"): ("renamed", False),
        ("GOV.SVC.02", "GOV.SVC.02"): ("rescaled", False),
        ("GOV.SVC.01", ""): ("retired", False),
        ("ENV.WAS.02", "ENV.WAS.02"): ("rescaled", True),
        ("", "GOV.SVC.05"): ("new", False),
    }
    assert comparable_pairs(crosswalk) == [
        ("ENV.WAS.01", "ENV.WAS.09", None),
        ("GOV.SVC.02", "GOV.SVC.02", {"0": 0, "1": 5}),
    ]
    assert Crosswalk.objects.count() == 1


def test_a_crosswalk_of_an_instrument_with_itself_is_refused(pair):
    with pytest.raises(Exception, match="dua instrumen yang berbeda"):
        suggest_crosswalk(pair[0], pair[0])


def test_csv_round_trip(pair):
    crosswalk = suggest_crosswalk(*pair)
    save_entries(
        crosswalk,
        [
            EntryRow("1", "rescaled", "GOV.SVC.02", "GOV.SVC.02", {"factor": 5}, "ya/tidak → 0/5"),
            EntryRow("2", "renamed", "ENV.WAS.01", "ENV.WAS.09"),
        ],
    )
    text = export_crosswalk_csv(crosswalk)
    assert text.splitlines() == [
        "kind,source_code,target_code,rescale,note",
        'rescaled,GOV.SVC.02,GOV.SVC.02,"{""factor"": 5}",ya/tidak → 0/5',
        "renamed,ENV.WAS.01,ENV.WAS.09,,",
    ]
    crosswalk.entries.all().delete()
    import_crosswalk_csv(crosswalk, text.encode())
    assert export_crosswalk_csv(crosswalk) == text


BAD_CSV = """kind,source_code,target_code,rescale,note
same,GOV.SVC.01,GOV.SVC.01,,
same,GOV.SVC.02,GOV.SVC.02,,
renamed,GOV.SVC.01,ENV.WAS.09,,dipakai dua kali
new,ENV.WAS.01,,,
retired,,ENV.WAS.02,,
moved,X,Y,,
rescaled,ENV.WAS.02,ENV.WAS.02,{not json},
same,GOV.SVC.01,GOV.SVC.01
rescaled,XX.01,ENV.WAS.02,"{""factor"": 2}",
"""


def test_a_bad_csv_names_every_row_and_changes_nothing(pair):
    crosswalk = suggest_crosswalk(*pair)
    before = export_crosswalk_csv(crosswalk)
    with pytest.raises(CrosswalkFileError) as caught:
        import_crosswalk_csv(crosswalk, BAD_CSV)
    assert caught.value.details == [
        'baris 8 (rescale): rescale harus berupa JSON, mis. {"factor": 20}',
        "baris 9: harus 5 kolom, ada 3",
    ]
    fixed = "\n".join(BAD_CSV.splitlines()[:7] + BAD_CSV.splitlines()[9:]) + "\n"
    with pytest.raises(CrosswalkFileError) as caught:
        import_crosswalk_csv(crosswalk, fixed)
    text = "\n".join(caught.value.details)
    for fragment in [
        "baris 3 (kind): jenis berubah: yesno → level; gunakan rescaled",
        "baris 4 (source_code): GOV.SVC.01 sudah dipakai di baris 2",
        "baris 5 (source_code): harus kosong untuk jenis new",
        "baris 5 (target_code): wajib diisi untuk jenis new",
        "baris 6 (source_code): wajib diisi untuk jenis retired",
        "baris 6 (target_code): harus kosong untuk jenis retired",
        "baris 7 (kind): 'moved' tidak dikenal",
        "baris 8 (source_code): indikator XX.01 tidak ada di instrumen",
    ]:
        assert fragment in text, f"{fragment!r} not in:\n{text}"
    assert "sudah dipakai di baris 6" not in text  # a code refused on its row blocks no other
    assert export_crosswalk_csv(crosswalk) == before


def test_a_csv_with_the_wrong_header_is_refused(pair):
    crosswalk = suggest_crosswalk(*pair)
    with pytest.raises(CrosswalkFileError) as caught:
        import_crosswalk_csv(crosswalk, "old,new\nA,B\n")
    assert caught.value.details == [
        "baris 1: judul kolom harus kind,source_code,target_code,rescale,note"
    ]


def test_an_indicator_changed_after_a_copy_leaves_the_pairs_until_suggested_again(db):
    from kotacerdas.instruments.services import copy_instrument

    old = make_instrument("asli")
    copy = copy_instrument(old, code="salinan", name="Salinan")
    copy.indicators.filter(code="GOV.SVC.02").update(type=IndicatorType.PERCENT)
    crosswalk = Crosswalk.objects.get(source=old, target=copy)
    assert ("GOV.SVC.02", "GOV.SVC.02", None) not in comparable_pairs(crosswalk)
    assert len(comparable_pairs(crosswalk)) == 3
    crosswalk = suggest_crosswalk(old, copy)
    assert entries(crosswalk)[("GOV.SVC.02", "GOV.SVC.02")] == ("rescaled", True)
    assert len(entries(crosswalk)) == 4
