"""Each right-of-reply email speaks its recipient's language (``User.language``)."""

import pytest

from kotacerdas.accounts.roles import Role
from kotacerdas.appeals.services import decisions, filing, notifications
from kotacerdas.instruments.models import Indicator
from tests.conftest import make_user

ID = "op@jambikota.example"
EN = "sam@jambikota.example"


@pytest.fixture
def english_operator(regions):
    return make_user(
        "op.jambi.en",
        Role.OPERATOR,
        region=regions["15.71"],
        email=EN,
        first_name="Sam",
        language="en",
    )


def by_address(mailoutbox) -> dict:
    return {message.to[0]: message for message in mailoutbox}


def test_window_opened_in_each_recipients_language(
    open_window, jambi_operator, english_operator, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        notifications.window_opened(open_window)
    mails = by_address(mailoutbox)
    assert mails[ID].subject == "[Kota Cerdas] Masa sanggah hasil evaluasi 2022 dibuka"
    assert "mengajukan sanggahan" in mails[ID].body
    assert mails[EN].subject == (
        "[Kota Cerdas] Appeal window for the 2022 evaluation results is open"
    )
    assert "Dear Sam," in mails[EN].body
    assert "please do not reply" in mails[EN].body
    assert "Hasil sementara" not in mails[EN].body


def _submitted_appeal(cycle, region, operator):
    indicator = Indicator.objects.get(instrument=cycle.instrument, code="GOV.01")
    item = filing.save_item(cycle, region, indicator, reason="SK Dewan Smart City.", by=operator)
    return filing.submit(item.appeal, by=operator)


def test_appeal_submitted_and_item_decided_in_each_recipients_language(
    cycle,
    regions,
    admin,
    open_window,
    jambi_operator,
    english_operator,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        appeal = _submitted_appeal(cycle, regions["15.71"], jambi_operator)
    mails = by_address(mailoutbox)
    assert mails[ID].subject == "[Kota Cerdas] Sanggahan Kota Jambi 2022 diterima"
    assert "- GOV.01" in mails[ID].body
    assert mails[EN].subject == "[Kota Cerdas] Appeal of Kota Jambi 2022 received"
    assert "Dear Sam," in mails[EN].body
    assert "- GOV.01" in mails[EN].body

    mailoutbox.clear()
    item = appeal.items.get()
    with django_capture_on_commit_callbacks(execute=True):
        decisions.decide(item, accept=False, reason="SK berlaku sejak 2023.", by=admin)
    mails = by_address(mailoutbox)
    assert mails[ID].subject == "[Kota Cerdas] Sanggahan Kota Jambi, indikator GOV.01: Ditolak"
    assert "Alasan:\nSK berlaku sejak 2023." in mails[ID].body
    assert mails[EN].subject == ("[Kota Cerdas] Appeal of Kota Jambi, indicator GOV.01: Rejected")
    assert "Reason:\nSK berlaku sejak 2023." in mails[EN].body
