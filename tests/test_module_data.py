"""``ModuleData`` (tests/conftest.py): rows built once for a module look, to every test of the
module, as if built for it alone. The first test changes everything it can, the second finds it as
built. In one process (``make test TEST_WORKERS=0``) they run in this order; in a parallel run they
may land in different processes (pytest-xdist 3.8 ignores ``xdist_group`` under pytest 9), where
the second still checks the rows, objects and files a test is handed."""

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from kotacerdas.regions.models import Region, RegionKind

from .conftest import make_jambi


@pytest.fixture(scope="module")
def shared(module_data):
    region = make_jambi()
    name = default_storage.save("bukti/perda.pdf", ContentFile(b"%PDF-1.4 perda"))
    return module_data.keep({"region": region, "file": name})


@pytest.fixture
def data(shared, db, settings):
    return shared.for_test(settings)


def test_a_test_may_change_the_rows_the_objects_and_the_files(data):
    data["region"].name = "Kota Jambi (diubah)"
    data["region"].save()
    Region.objects.create(code="99", name="Baru", kind=RegionKind.PROVINSI)
    default_storage.delete(data["file"])
    data["added"] = True
    assert Region.objects.count() == 3
    assert not default_storage.exists(data["file"])


def test_the_next_test_finds_them_as_built(data):
    assert data["region"].name == "Kota Jambi" and "added" not in data
    assert Region.objects.get(code="15.71").name == "Kota Jambi"
    assert not Region.objects.filter(code="99").exists()
    with default_storage.open(data["file"]) as stored:
        assert stored.read() == b"%PDF-1.4 perda"
