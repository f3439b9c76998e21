"""Migration directory 0010 refolds the search texts that a spacing mark left uncomposed
(``カ゛ラス`` stored as カ + a combining mark) and logs them as directory changes, so that a
serving index patches them in and ``ガラス`` finds them."""

from __future__ import annotations

import importlib
from typing import Any

import pytest
from django.apps import apps as django_apps
from django.http import QueryDict

from shisaku.core.models import DataGeneration
from shisaku.directory import adapters
from shisaku.directory.filtersets import DirectoryFilter
from shisaku.directory.models import DirectoryChange, Manufacturer
from shisaku.directory.services import manufacturers_save
from tests.factories import record

pytestmark = pytest.mark.django_db

migration = importlib.import_module("shisaku.directory.migrations.0010_refold_spacing_marks")


def listing(q: str) -> tuple[Any, Any]:
    params = QueryDict(mutable=True)
    params["q"] = q
    index_form, sql_form = DirectoryFilter(params), DirectoryFilter(params)
    assert index_form.is_valid() and sql_form.is_valid()
    return index_form.listing(), sql_form.listing(engine="sql")


def test_old_texts_are_refolded_logged_and_found(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(adapters, "_state", None)
    manufacturers_save(records=[record("カ゛ラス工業"), record("Cafe\u00b4 Works"),
                                record("Plain Glass")])
    voiced, accent, plain = (Manufacturer.objects.get(name=n)
                             for n in ("カ゛ラス工業", "Cafe\u00b4 Works", "Plain Glass"))
    assert voiced.search_text.startswith("ガラス")  # saved with the new folding
    # As the folding before this migration stored them: the space gone, nothing composed.
    Manufacturer.objects.filter(pk=voiced.pk).update(
        search_text=voiced.search_text.replace("ガ", "カ\u3099", 1))
    Manufacturer.objects.filter(pk=accent.pk).update(
        search_text=accent.search_text.replace("é", "e\u0301", 1))
    untouched = Manufacturer.objects.get(pk=plain.pk).search_text
    adapters.get_directory_index()  # a serving process's index, built from the old texts
    assert listing("ガラス")[0].ids == []
    before = DataGeneration.objects.get(name="directory").number
    changes = DirectoryChange.objects.count()

    migration.forwards(django_apps, None)

    assert Manufacturer.objects.get(pk=voiced.pk).search_text.startswith("ガラス")
    assert "café" in Manufacturer.objects.get(pk=accent.pk).search_text
    assert Manufacturer.objects.get(pk=plain.pk).search_text == untouched
    assert DataGeneration.objects.get(name="directory").number > before
    logged = set(DirectoryChange.objects.order_by("id")
                 .values_list("manufacturer_id", flat=True)[changes:])
    assert logged == {voiced.pk, accent.pk}
    for q, firm in (("ガラス", voiced), ("カ゛ラス", voiced), ("caféworks", accent)):
        got, want = listing(q)
        assert got.ids == want.ids == [firm.pk]
    # Nothing left to do: a second run changes nothing.
    number = DataGeneration.objects.get(name="directory").number
    migration.forwards(django_apps, None)
    assert DataGeneration.objects.get(name="directory").number == number
