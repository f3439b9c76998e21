"""The ko / en / ja catalogues are complete and compiled, and pages switch language."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from django.test import Client

LOCALE = Path(__file__).resolve().parents[2] / "src" / "shisaku" / "locale"
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]|\{(\w+)\}")


@pytest.mark.parametrize("lang", ["ko", "en", "ja"])
def test_catalogue_is_complete_and_compiled(lang: str) -> None:
    po = polib.pofile(str(LOCALE / lang / "LC_MESSAGES" / "django.po"))
    assert len(po) > 100
    assert po.untranslated_entries() == []
    assert po.fuzzy_entries() == []
    for entry in po:
        wanted = {a or b for a, b in PLACEHOLDER.findall(entry.msgid)}
        got = [entry.msgstr] if entry.msgstr else list(entry.msgstr_plural.values())
        for text in got:
            assert {a or b for a, b in PLACEHOLDER.findall(text)} == wanted, entry.msgid
    mo = polib.mofile(str(LOCALE / lang / "LC_MESSAGES" / "django.mo"))
    assert {e.msgid for e in mo} == {e.msgid for e in po}, "run `make messages` to recompile"


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="GNU gettext not installed")
def test_every_string_in_the_code_is_in_the_catalogue(tmp_path: Path) -> None:
    """makemessages on a copy finds no msgid that the committed catalogue lacks."""
    src = LOCALE.parent
    work = tmp_path / "shisaku"
    shutil.copytree(src, work, ignore=shutil.ignore_patterns("engines", "sampledata",
                                                             "__pycache__", "data"))
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    subprocess.run([sys.executable, "-m", "django", "makemessages", "-l", "en",
                    "--no-obsolete", "--no-location"], cwd=work, check=True,
                   capture_output=True, env=env)
    fresh = {e.msgid for e in polib.pofile(str(work / "locale/en/LC_MESSAGES/django.po"))}
    committed = {e.msgid for e in polib.pofile(str(LOCALE / "en/LC_MESSAGES/django.po"))}
    assert fresh - committed == set(), "new strings: run `make messages` and translate them"


@pytest.mark.django_db
@pytest.mark.parametrize("lang, text", [("ko", "제조사"), ("ja", "製造業者"), ("en", "Manufacturer directory")])
def test_directory_page_speaks_the_chosen_language(client: Client, lang: str, text: str) -> None:
    client.post("/i18n/setlang/", {"language": lang, "next": "/manufacturers/"})
    html = client.get("/manufacturers/").content.decode()
    assert f'lang="{lang}"' in html and text in html
