"""Text reaches the platform in NFC at every input boundary (issue #12): names typed in
decomposed Hangul, as macOS writes them, are stored composed and found by normal searches."""

from __future__ import annotations

import importlib
import inspect
import json
import pkgutil
import unicodedata

import pytest
from django import forms
from django.test import Client

import shisaku
from shisaku.core.forms import NFCInputMixin
from shisaku.core.text import nfc, nfc_deep
from shisaku.directory.forms import ProfileForm
from shisaku.directory.models import Manufacturer
from shisaku.projects.models import Project
from tests.apps.test_projects_support import member

NAME = "한빛정밀"
NFD = unicodedata.normalize("NFD", NAME)
JA_NFD = unicodedata.normalize("NFD", "ガス溶接")  # kana with a voiced mark decompose too


def test_the_examples_really_are_decomposed() -> None:
    assert NFD != NAME and len(NFD) > len(NAME) and nfc(NFD) == NAME
    assert nfc(JA_NFD) == "ガス溶接" and nfc_deep({"a": [NFD, (JA_NFD,)]}) == {
        "a": [NAME, ("ガス溶接",)]}


def _project_forms() -> list[type[forms.BaseForm]]:
    """Every Form / ModelForm class defined in the project's modules (formsets' forms too)."""
    found: dict[str, type[forms.BaseForm]] = {}
    for info in pkgutil.walk_packages(shisaku.__path__, "shisaku."):
        if (".migrations" in info.name or info.name.endswith("__main__")
                or info.name.startswith(("shisaku.engines",
                                         "shisaku.bench"))):
            continue
        module = importlib.import_module(info.name)
        for _name, obj in inspect.getmembers(module):
            candidates = [obj]
            if inspect.isclass(obj) and issubclass(obj, forms.BaseFormSet):
                candidates = [getattr(obj, "form", None)]  # a base formset has none
            for cls in candidates:
                if (inspect.isclass(cls) and issubclass(cls, forms.BaseForm)
                        and cls.__module__.startswith("shisaku.")
                        and cls not in (shisaku.core.forms.Form,
                                        shisaku.core.forms.ModelForm)):
                    found[f"{cls.__module__}.{cls.__qualname__}"] = cls
    return list(found.values())


def test_every_form_of_the_project_normalises_its_input() -> None:
    project_forms = _project_forms()
    assert len(project_forms) >= 15  # the walk found the forms (a vacuous pass fails here)
    missing = [f"{f.__module__}.{f.__qualname__}" for f in project_forms
               if not issubclass(f, NFCInputMixin)]
    assert missing == [], f"forms without NFC input: {missing}"


@pytest.mark.django_db
def test_profile_form_stores_composed_names() -> None:
    firm = Manufacturer.objects.create(slug="hanbit", name="Hanbit", country="KR",
                                       region="KR-47", block="KR-DAEGYEONG", lat=36.1, lon=128.3)
    data = {"name": NFD, "name_local": NFD, "region": "KR-47", "city": "구미",
            "equipment": JA_NFD}
    form = ProfileForm(data, instance=firm)
    assert form.is_valid(), form.errors
    form.save()
    firm.refresh_from_db()
    assert (firm.name, firm.name_local, firm.equipment) == (NAME, NAME, "ガス溶接")


@pytest.mark.django_db
def test_password_fields_keep_what_was_typed() -> None:
    from shisaku.accounts.forms import SignupForm

    form = SignupForm({"username": "mina", "password1": NFD, "password2": NFD})
    assert form.data["password1"] == NFD


@pytest.mark.django_db
def test_api_json_body_is_stored_composed(client: Client) -> None:
    user, _org = member("mina", "startup")
    client.force_login(user)
    r = client.post("/api/v1/projects", data=json.dumps({"title": f"{NFD} 케이스"}),
                    content_type="application/json")
    assert r.status_code in (200, 201), r.content
    assert Project.objects.get().title == f"{NAME} 케이스"


@pytest.mark.django_db
def test_decomposed_query_finds_composed_names(client: Client) -> None:
    from shisaku.directory.services import manufacturers_save
    from tests.factories import record

    manufacturers_save(records=[record("Hanbit", "KR-47", slug="hanbit", name_local=NAME)])
    query = unicodedata.normalize("NFD", "한빛")  # typed decomposed
    page = client.get("/manufacturers/", {"q": query})
    assert "Hanbit" in page.content.decode()
    api = client.get("/api/v1/manufacturers", {"q": query})
    assert api.status_code == 200
    assert [m["slug"] for m in api.json()["results"]] == ["hanbit"]
