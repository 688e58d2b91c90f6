"""An instrument text in the reader's language, from a stored dict or a model object."""

from types import SimpleNamespace

from django.utils import translation

from kotacerdas.core.texts import in_reader_language


def test_the_english_twin_on_english_pages_and_the_indonesian_text_otherwise():
    stored = {"question": "Berapa persen?", "question_en": "What share?"}
    obj = SimpleNamespace(question="Berapa persen?", question_en="What share?")
    for source in (stored, obj):
        with translation.override("en"):
            assert in_reader_language(source, "question") == "What share?"
        with translation.override("id"):
            assert in_reader_language(source, "question") == "Berapa persen?"


def test_without_a_twin_the_indonesian_text_stays():
    with translation.override("en"):
        assert in_reader_language({"name": "Layanan Publik"}, "name") == "Layanan Publik"
        assert in_reader_language({"name": "Layanan", "name_en": ""}, "name") == "Layanan"
        assert in_reader_language(SimpleNamespace(name="Layanan"), "name") == "Layanan"
        assert in_reader_language(None, "name") == ""
        assert in_reader_language({}, "name") == ""
