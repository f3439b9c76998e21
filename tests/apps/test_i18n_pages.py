"""Every page and every e-mail in ko, ja and en, as anonymous and as each role: no English
message id left in a Korean or Japanese page, no raw choice / taxonomy code shown as text, no
string split into characters ("사, 출, , 성, 형").

Every URL pattern of the site must be listed in ``URLS`` (a new page fails this test until it
is), with the sample objects built in ``site``.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import html
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import polib
import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone, translation

from shisaku import taxonomy
from shisaku.errors import InputError
from tests.apps.test_rfq_support import make_rfq, make_world, quote_lines

pytestmark = pytest.mark.django_db

LOCALE = Path(__file__).resolve().parents[2] / "src" / "shisaku" / "locale"
PARTS = Path(__file__).resolve().parents[1] / "data" / "parts"
LANGS = ("ko", "ja", "en")


# --- what the text of a page is -----------------------------------------------------------

class _Text(HTMLParser):
    """Visible text nodes (scripts, styles and the language switcher's option names
    excluded)."""

    SKIP = {"script", "style", "title", "option", "textarea"}

    def __init__(self) -> None:
        super().__init__()
        self.depth = 0
        self.nodes: list[str] = []

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        if tag in self.SKIP:
            self.depth += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in self.SKIP and self.depth:
            self.depth -= 1

    def handle_data(self, data: str) -> None:
        if not self.depth and data.strip():
            self.nodes.append(" ".join(data.split()))


def text_nodes(page: str) -> list[str]:
    parser = _Text()
    parser.feed(page)
    return parser.nodes


def _catalogue(lang: str) -> dict[str, str]:
    po = polib.pofile(str(LOCALE / lang / "LC_MESSAGES" / "django.po"))
    return {e.msgid: e.msgstr for e in po if e.msgstr and not e.obsolete and not e.msgid_plural}


CATALOGUES = {lang: _catalogue(lang) for lang in ("ko", "ja")}


def _english_msgids(lang: str) -> tuple[set[str], list[str]]:
    """(msgids a whole text node may not equal, longer msgids no node may contain): only
    those that the language translates differently and that contain letters."""
    whole, inside = set(), []
    for msgid, msgstr in CATALOGUES[lang].items():
        if msgstr == msgid or "%(" in msgid or "{" in msgid or not re.search(r"[a-z]", msgid):
            continue
        plain = msgid.strip()
        if len(plain) >= 3:
            whole.add(plain)
        if len(plain.split()) >= 4:
            inside.append(plain)
    return whole, inside


ENGLISH = {lang: _english_msgids(lang) for lang in ("ko", "ja")}


def _codes() -> set[str]:
    """Lower-case codes a user must never read: taxonomy codes and the values of every
    choices class of the apps."""
    codes = {t.code for kind in taxonomy.KINDS for t in taxonomy.terms(kind)}
    from django.apps import apps
    for model in apps.get_models():
        if not model.__module__.startswith("shisaku"):
            continue
        for f in model._meta.get_fields():
            for value, _label in getattr(f, "choices", None) or []:
                codes.add(str(value))
    from shisaku.projects.specs import all_spec_fields
    for spec_field in all_spec_fields().values():
        codes.update(str(v) for v, _l in spec_field.choices)
    codes.update({"optimal", "feasible", "infeasible"})
    return {c for c in codes if c and c == c.lower() and re.search(r"[a-z]", c)}


SPLIT = re.compile(r"(?<!\w)\w, (?:\w?, ){2,}")


def problems(page: str, lang: str, *, allowed: set[str]) -> list[str]:
    found = []
    nodes = text_nodes(page)
    codes = CODES - allowed
    if lang == "en":  # English words that are also codes ("yes", "no") are words here
        codes -= {"yes", "no"}
    for node in nodes:
        unescaped = html.unescape(node)
        if unescaped in allowed:
            continue
        if unescaped in codes:
            found.append(f"raw code {unescaped!r}")
        if SPLIT.search(unescaped):
            found.append(f"split into characters: {unescaped!r}")
        if lang in ENGLISH:
            whole, inside = ENGLISH[lang]
            if unescaped.rstrip(":").strip() in whole:
                found.append(f"untranslated: {unescaped!r}")
            else:
                found.extend(f"untranslated: {m!r} in {unescaped!r}" for m in inside
                             if m in unescaped)
    return found


CODES = _codes()


# --- the site with one of everything --------------------------------------------------------

def _stl(name: str = "plate_holes.STL") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, (PARTS / name).read_bytes())


@pytest.fixture
def site(settings: Any, tmp_path: Any) -> dict[str, Any]:
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.HOME = tmp_path
    settings.SHISAKU_BASE_URL = "https://shisaku.example.org"
    from shisaku.consortia import services as consortia
    from shisaku.estimates.services import estimate_part_file
    from shisaku.projects import services as projects
    from shisaku.rfq import services

    world = make_world()
    part = world.parts[0]
    pfile = projects.part_file_add(actor=world.owner, part=part, upload=_stl(), kind="cad")
    now = timezone.now()
    rfq, (a, b, _c) = make_rfq(world, now=now)
    services.quote_submit(actor=world.makers["alpha"], invitation=a,
                          lines=quote_lines(world, "4500"), currency="KRW", lead_time_days=20,
                          valid_until=timezone.localdate() + dt.timedelta(days=30),
                          tooling_cost="1000000", now=now)
    services.quote_submit(actor=world.makers["bravo"], invitation=b,
                          lines=quote_lines(world, "500"), currency="JPY", lead_time_days=20,
                          valid_until=timezone.localdate() + dt.timedelta(days=30), now=now)
    msg = services.message_post(actor=world.makers["alpha"], invitation=a, body="Drawing?",
                                from_manufacturer=True,
                                upload=SimpleUploadedFile("note.txt", b"hello"))
    estimate = estimate_part_file(owner=world.owner, part_file=pfile)
    inquiry = consortia.window_send(actor=world.owner, project=world.project,
                                    coordinator=world.coordinator)
    consortium = consortia.consortium_propose(actor=world.coord, project=world.project)
    # the RFQ world's firms may not cover every package: then there is no team to invite
    with contextlib.suppress(InputError):
        consortia.consortium_invite(actor=world.coord, consortium=consortium)
    member = consortium.members.select_related("manufacturer__organisation").first()
    firm_user = None
    if member is not None and member.manufacturer.organisation_id:
        firm_user = member.manufacturer.organisation.memberships.first().user
    firm = world.firms["alpha"]
    uid_token = ("MQ", "set-password")
    # An order (a second request awarded to alpha) with a tool, a change and a milestone.
    from shisaku.orders import services as orders
    from shisaku.orders.models import Order

    awarded, (x, *_rest) = make_rfq(world, now=now, firms=("alpha", "bravo"))
    won = services.quote_submit(actor=world.makers["alpha"], invitation=x,
                                lines=quote_lines(world, "4500"), currency="KRW",
                                lead_time_days=20, tooling_cost="1000000", now=now,
                                valid_until=timezone.localdate() + dt.timedelta(days=30))
    services.award_create(actor=world.owner, rfq=awarded, quote_id=won.pk, now=now)
    order = Order.objects.get(rfq=awarded)
    tool = orders.tooling_add(actor=world.makers["alpha"], order=order, kind="mould",
                              name="Housing mould", cost="1000000", part_id=part.pk)
    change = orders.change_propose(actor=world.owner, order=order, kind="date",
                                   new_value=(timezone.localdate() + dt.timedelta(days=40))
                                   .isoformat())
    milestone = orders.milestone_add(actor=world.owner, order=order, kind="deposit",
                                     amount="500000")
    doc = orders.document_add(actor=world.makers["alpha"], order=order, kind="coc",
                              upload=SimpleUploadedFile("coc.pdf", b"%PDF-1.4\n%%EOF\n"))
    return {"world": world, "rfq": rfq, "inv": a, "msg": msg, "pfile": pfile, "part": part,
            "estimate": estimate, "inquiry": inquiry, "consortium": consortium,
            "member": member, "firm": firm, "firm_user": firm_user, "uid_token": uid_token,
            "order": order, "tool": tool, "change": change, "milestone": milestone,
            "doc": doc}


def URLS(s: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """URL name -> its arguments (every pattern of the site)."""
    w = s["world"]
    proj = {"pk": w.project.pk}
    part = {"pk": w.project.pk, "part_pk": s["part"].pk}
    consortium = {"pk": s["consortium"].pk}
    member_pk = s["member"].pk if s["member"] else 0
    return {
        "core:home": {}, "core:healthz": {}, "accounts:signup": {}, "accounts:login": {},
        "accounts:logout": {}, "accounts:account": {}, "accounts:password_reset": {},
        "accounts:password_reset_done": {}, "accounts:password_reset_complete": {},
        "accounts:password_reset_confirm": {"uidb64": s["uid_token"][0],
                                            "token": s["uid_token"][1]},
        "directory:list": {}, "directory:download": {}, "directory:find": {},
        "directory:detail": {"pk": s["firm"].pk}, "directory:edit": {"pk": s["firm"].pk},
        "estimates:new": {}, "estimates:detail": {"pk": s["estimate"].pk},
        "estimates:part_file": {"file_id": s["pfile"].pk},
        "projects:list": {}, "projects:create": {}, "projects:coordinator": {},
        "projects:programme_settings": {}, "projects:detail": proj, "projects:edit": proj,
        "projects:delete": proj, "projects:stage_move": proj, "projects:checklist": proj,
        "projects:part_create": proj, "projects:part_edit": part,
        "projects:part_spec_fields": part, "projects:part_delete": part,
        "projects:file_upload": part,
        "projects:file_download": {**part, "file_pk": s["pfile"].pk},
        "projects:file_delete": {**part, "file_pk": s["pfile"].pk},
        "rfq:list": {}, "rfq:rates": {}, "rfq:create": {"project_pk": w.project.pk},
        "rfq:detail": {"pk": s["rfq"].pk}, "rfq:send": {"pk": s["rfq"].pk},
        "rfq:compare": {"pk": s["rfq"].pk}, "rfq:award": {"pk": s["rfq"].pk},
        "rfq:rate": {"pk": s["rfq"].pk}, "rfq:cancel": {"pk": s["rfq"].pk}, "rfq:inbox": {},
        "rfq:invitation": {"pk": s["inv"].pk}, "rfq:acknowledge": {"pk": s["inv"].pk},
        "rfq:nda": {"pk": s["inv"].pk},
        "rfq:file": {"pk": s["inv"].pk, "file_pk": s["pfile"].pk},
        "rfq:quote": {"pk": s["inv"].pk}, "rfq:decline": {"pk": s["inv"].pk},
        "rfq:withdraw": {"pk": s["inv"].pk}, "rfq:message": {"pk": s["inv"].pk},
        "rfq:message_file": {"pk": s["msg"].pk}, "rfq:notifications": {},
        "notifications:list": {}, "notifications:settings": {},
        "consortia:inbox": {}, "consortia:inquiry_edit": {"pk": s["inquiry"].pk},
        "consortia:sync": {}, "consortia:digest": {},
        "consortia:send": {"project_pk": w.project.pk},
        "consortia:propose": {"project_pk": w.project.pk},
        "consortia:detail": consortium, "consortia:packages": consortium,
        "consortia:invite": consortium, "consortia:form": consortium,
        "consortia:joint_quote": consortium, "consortia:bookkeeping": consortium,
        "consortia:invitations": {}, "consortia:respond": {"pk": member_pk},
        "set_language": {}, "admin:index": {}, "api-1.0.0:openapi-view": {},
        # orders, tokens, open data
        "orders:list": {}, "orders:detail": {"pk": s["order"].pk},
        "orders:action": {"pk": s["order"].pk, "action": "confirm"},
        "orders:change_decide": {"pk": s["order"].pk, "change_pk": s["change"].pk},
        "orders:milestone_record": {"pk": s["order"].pk, "milestone_pk": s["milestone"].pk},
        "orders:document": {"pk": s["order"].pk, "doc_pk": s["doc"].pk},
        "orders:tooling": {"pk": s["tool"].pk},
        "orders:tooling_action": {"pk": s["tool"].pk, "action": "transfer"},
        "tokens:list": {}, "tokens:revoke": {"pk": 1},
        "directory:open_data": {}, "directory:open_data_file": {"name": "README.md"},
        "insights:page": {}, "insights:chart": {"code": "funnel"},
        "insights:csv": {"code": "funnel"},
        # pages reached by a personal link or a posted form: their own tests render them
        # (tests/apps/test_claims_*, test_rfq_portal*, test_import_web, test_estimates_*)
        "accounts:signup_confirm": {"uidb64": "MQ", "token": "x"}, "accounts:signup_sent": {},
        "accounts:team": {}, "accounts:team_invite": {"pk": w.startup.pk},
        "accounts:team_join": {"token": "x"}, "accounts:team_remove": {"pk": 1},
        "accounts:team_revoke": {"pk": 1}, "accounts:team_role": {"pk": 1},
        "claims:claim": {"slug": s["firm"].slug}, "claims:decide": {"pk": 1},
        "claims:invitation": {"token": "x"}, "claims:join": {}, "claims:mine": {},
        "claims:pool": {}, "claims:pool_bounce": {"pk": 1}, "claims:pool_resend": {"pk": 1},
        "claims:pool_resend_all": {}, "claims:pool_send": {}, "claims:queue": {},
        "claims:resend": {"pk": 1}, "claims:signup": {}, "claims:verify": {"token": "x"},
        "claims:withdraw": {"pk": 1},
        "consortia:link_reissue": {"pk": s["consortium"].pk, "manufacturer_pk": s["firm"].pk},
        "consortia:link_revoke": {"pk": s["consortium"].pk, "manufacturer_pk": s["firm"].pk},
        "consortia:portal": {"token": "x"}, "consortia:portal_claim": {"token": "x"},
        "consortia:portal_respond": {"token": "x"}, "core:favicon": {},
        "directory:imports": {}, "directory:import_new": {},
        "directory:import_detail": {"pk": 1}, "directory:import_discard": {"pk": 1},
        "directory:import_load": {"pk": 1},
        "estimates:pcb": {}, "estimates:mesh": {"pk": s["estimate"].pk},
        "estimates:chart": {"pk": s["estimate"].pk},
        "estimates:status": {"pk": s["estimate"].pk},
        "rfq:link_reissue": {"pk": s["inv"].pk}, "rfq:link_revoke": {"pk": s["inv"].pk},
        **{f"rfq:{n}": {"token": "x"} for n in (
            "portal", "portal_acknowledge", "portal_claim", "portal_decline", "portal_message",
            "portal_nda", "portal_quote", "portal_withdraw")},
        "rfq:portal_file": {"token": "x", "file_pk": s["pfile"].pk},
        "rfq:portal_message_file": {"token": "x", "message_pk": s["msg"].pk},
        "rfq:request_firm": {"manufacturer_pk": s["firm"].pk},
        "rfq:sharing": {"pk": s["rfq"].pk},
    }


def _names(patterns: Any, ns: str | None = None) -> list[str]:
    out = []
    for p in patterns:
        if isinstance(p, URLResolver):
            space = p.namespace or ns
            if space in ("admin", "api-1.0.0"):
                continue
            out += _names(p.url_patterns, space)
        elif isinstance(p, URLPattern) and p.name:
            out.append(f"{ns}:{p.name}" if ns else p.name)
    return out


def _client(user: Any, lang: str) -> Client:
    c = Client()
    if user is not None:
        c.force_login(user)
    c.cookies["django_language"] = lang
    return c


def test_every_page_in_every_language_and_role(site: dict[str, Any]) -> None:
    urls = URLS(site)
    unmapped = sorted(set(_names(get_resolver().url_patterns)) - set(urls))
    assert unmapped == [], f"add sample arguments for {unmapped}"
    w = site["world"]
    w.coord.is_staff = True  # the admin's index too
    w.coord.save()
    roles = {"anonymous": None, "startup": w.owner, "manufacturer": w.makers["alpha"],
             "coordinator": w.coord}
    if site["firm_user"] is not None:
        roles["consortium member"] = site["firm_user"]
    from shisaku.accounts.models import User
    allowed = set(User.objects.values_list("username", flat=True))  # names, not codes
    allowed |= {"stl"}  # file extensions shown as such
    found: list[str] = []
    rendered = 0
    for role, user in roles.items():
        for lang in LANGS:
            client = _client(user, lang)
            for name, kwargs in urls.items():
                path = reverse(name, kwargs=kwargs)
                response = client.get(path)
                ok = response.status_code == 200 and "text/html" in response.get(
                    "Content-Type", "")
                if response.streaming:  # a file: read it to the end, which closes it
                    b"".join(response.streaming_content)
                body = response.content.decode() if ok else ""
                if not ok:
                    continue
                rendered += 1
                found += [f"{role} {lang} {path}: {p}"
                          for p in problems(body, lang, allowed=allowed)]
    assert rendered > 150
    assert not found, "\n".join(sorted(set(found))[:80])


def test_every_email_in_every_language(site: dict[str, Any],
                                       django_capture_on_commit_callbacks: Any) -> None:
    from shisaku.notifications.kinds import kinds_all
    from shisaku.notifications.services import notification_send

    w = site["world"]
    user = w.makers["alpha"]
    params = {"title": "Rehab glove", "firm": "Alpha Machining", "old": "Alpha Machining",
              "new": "Bravo Machining", "rev": 2, "reason": "capacity",
              "coordinator": "Gyeonggi Window", "project": "Smart lamp",
              "number": "PO-000001", "date": "2026-12-01", "n": 1, "qty": 20,
              "carrier": "CJ", "tracking": "123", "findings": "sink marks", "kind": "date",
              "status": "accepted", "owner": "Hanbit Robotics", "tool": "Housing mould",
              "from": "Alpha Machining", "to": "Bravo Machining",
              "ack_deadline": timezone.now().isoformat(),
              "quote_deadline": (timezone.now() + dt.timedelta(days=7)).isoformat()}
    found = []
    for lang in LANGS:
        user.preferred_language = lang
        user.save()
        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            for kind in kinds_all():
                notification_send(users=[user], kind=kind.code, params=params,
                                  url=reverse("rfq:invitation", args=[site["inv"].pk]))
        assert len(mail.outbox) == len(kinds_all())
        client = Client()
        client.cookies["django_language"] = lang
        with translation.override(lang):
            client.post(reverse("accounts:password_reset"), {"email": user.email},
                        HTTP_ACCEPT_LANGUAGE=lang)
        from shisaku.consortia.services import window_digest
        with translation.override(lang):
            made = window_digest(coordinator=w.coordinator)
        digest = f"{made['subject']}\n{made['text']}"
        for msg in mail.outbox:
            assert "https://shisaku.example.org/" in msg.body or "reset" in msg.subject.lower() \
                or lang != "en"
            for text in (msg.subject, msg.body):
                found += [f"{lang} e-mail {msg.subject!r}: {p}"
                          for p in problems(f"<p>{html.escape(text)}</p>", lang, allowed=set())]
        found += [f"{lang} digest: {p}"
                  for p in problems(f"<p>{html.escape(digest)}</p>", lang, allowed=set())]
    assert not found, "\n".join(found[:60])


def test_the_checks_themselves_catch_each_fault() -> None:
    assert problems("<td>(사, 출, , 성, 형)</td>", "ko", allowed=set())
    assert problems("<td>matte</td>", "en", allowed=set())
    assert problems("<td>cnc_milling</td>", "en", allowed=set())
    assert problems("<h1>Compare quotes</h1>", "ko", allowed=set())
    assert not problems("<h1>견적 비교</h1><td>사출 성형</td>", "ko", allowed=set())


_unused = (models,)
