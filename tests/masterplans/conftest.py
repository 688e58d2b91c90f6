import pytest

from kotacerdas.accounts.roles import Role
from tests.conftest import make_user

from .builders import make_masterplan, make_programme


@pytest.fixture(autouse=True)
def _no_two_factor(settings):
    settings.KOTACERDAS_TWO_FACTOR_ENFORCED = False


@pytest.fixture
def other_operator(bandung):
    return make_user("operator.bandung", Role.OPERATOR, region=bandung)


@pytest.fixture
def masterplan(jambi):
    return make_masterplan(jambi)


@pytest.fixture
def programmes(masterplan):
    """Three programmes of Kota Jambi: two published, one internal, with budgets and KPIs."""
    mpp = make_programme(
        masterplan,
        "GOV-01",
        name="Mal Pelayanan Publik",
        element="GOV.SVC",
        kind="infrastructure",
        status="done",
        budgets={2021: (1_000_000_000, 950_000_000), 2022: (500_000_000, 600_000_000)},
        quick_wins=(2022,),
        kpis={"K1": {2021: (10, 12), 2022: (20, 15)}},
        internal_notes="Catatan rahasia program",
    )
    sipin = make_programme(
        masterplan,
        "BRA-01",
        name="Wisata Danau Sipin",
        element="BRA.TOU",
        kind="cooperation",
        status="in_progress",
        budgets={2022: (250_000_000, 100_000_000)},
        quick_wins=(2022,),
    )
    hidden = make_programme(
        masterplan,
        "ENV-01",
        name="Program internal gas metana",
        element="ENV.ENE",
        kind="infrastructure",
        status="cancelled",
        published=False,
        budgets={2020: (300_000_000, 0)},
        kpis={"K1": {2020: (5, None)}},
    )
    return mpp, sipin, hidden
