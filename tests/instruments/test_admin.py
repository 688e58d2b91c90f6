"""The Django admin for the instrument tree: permissions from rules, read-only when frozen."""

from django.urls import reverse

from kotacerdas.instruments.services import freeze
from tests.factories import make_instrument


def change_url(obj) -> str:
    return reverse(f"admin:instruments_{obj._meta.model_name}_change", args=[obj.pk])


def test_admins_edit_a_draft_instrument_tree(client, admin_user):
    instrument = make_instrument()
    client.force_login(admin_user)
    page = client.get(change_url(instrument)).content.decode()
    assert 'name="_save"' in page
    assert 'name="aspects-0-weight"' in page and 'name="dimensions-0-code"' in page
    element = instrument.dimensions.first().elements.first()
    page = client.get(change_url(element)).content.decode()
    assert 'name="indicators-0-question"' in page
    indicator = instrument.indicators.get(code="GOV.SVC.01")
    page = client.get(change_url(indicator)).content.decode()
    assert 'name="levels-5-description"' in page


def test_a_frozen_instrument_is_read_only_in_the_admin(client, admin_user):
    instrument = make_instrument()
    freeze(instrument)
    client.force_login(admin_user)
    for obj in (
        instrument,
        instrument.dimensions.first(),
        instrument.dimensions.first().elements.first(),
        instrument.indicators.get(code="GOV.SVC.01"),
    ):
        response = client.get(change_url(obj))
        assert response.status_code == 200
        assert 'name="_save"' not in response.content.decode(), obj
        assert client.post(change_url(obj), {}).status_code == 403
    indicator = instrument.indicators.get(code="GOV.SVC.01")
    assert indicator.question.startswith("Sejauh mana")


def test_an_indicator_added_under_an_element_belongs_to_its_instrument(client, admin_user):
    instrument = make_instrument()
    element = instrument.dimensions.get(code="ENV").elements.get()
    client.force_login(admin_user)
    page = client.get(change_url(element))
    form = page.context["adminform"].form
    data = {key: value for key, value in form.initial.items() if value is not None}
    data.update(dimension=element.dimension_id, weight="1", order="1")
    inline = page.context["inline_admin_formsets"][0].formset
    data.update(
        {
            f"{inline.prefix}-TOTAL_FORMS": "3",
            f"{inline.prefix}-INITIAL_FORMS": "2",
            f"{inline.prefix}-MIN_NUM_FORMS": "0",
            f"{inline.prefix}-MAX_NUM_FORMS": "1000",
        }
    )
    for index, indicator in enumerate(element.indicators.all()):
        for field in ("order", "code", "type", "aspect", "weight", "question"):
            data[f"{inline.prefix}-{index}-{field}"] = getattr(indicator, field)
        data[f"{inline.prefix}-{index}-id"] = indicator.pk
        data[f"{inline.prefix}-{index}-element"] = element.pk
    data.update(
        {
            f"{inline.prefix}-2-order": "3",
            f"{inline.prefix}-2-code": "ENV.WAS.03",
            f"{inline.prefix}-2-type": "yesno",
            f"{inline.prefix}-2-aspect": "impact",
            f"{inline.prefix}-2-weight": "1",
            f"{inline.prefix}-2-question": "Apakah ada bank sampah?",
            f"{inline.prefix}-2-element": element.pk,
        }
    )
    response = client.post(change_url(element), data)
    assert response.status_code == 302, response.context["errors"] if response.context else ""
    assert instrument.indicators.get(code="ENV.WAS.03").element == element


def test_other_roles_cannot_use_the_admin(client, assessor):
    instrument = make_instrument()
    client.force_login(assessor)
    assert client.get(change_url(instrument)).status_code == 302
