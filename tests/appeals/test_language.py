"""The appeal page in the reader's language: the provisional result's indicators, the indicator
choices and the filed items with the instrument's English texts on an English page."""

from django.urls import reverse

from kotacerdas.appeals.services import filing


def test_an_english_reader_sees_the_indicators_in_english(
    client, settings, cycle, jambi_operator, open_window
):
    indicator = cycle.instrument.indicators.get(code="GOV.01")
    filing.save_item(cycle, jambi_operator.region, indicator, reason="Alasan", by=jambi_operator)
    client.force_login(jambi_operator)
    url = reverse("appeals:region", kwargs={"year": 2022, "code": "15.71"})
    page = client.get(url).content.decode()
    assert "Tingkat kematangan Smart Governance" in page
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(url).content.decode()
    assert "<td>Maturity level of Smart Governance</td>" in page  # the provisional result
    assert "GOV.01 · Maturity level of Smart Governance</option>" in page  # the choices
    assert "<strong>GOV.01</strong> · Maturity level of Smart Governance" in page  # the item
    assert "Tingkat kematangan" not in page
