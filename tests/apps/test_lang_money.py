"""Issue #12, Language and Money: money with the currency's minor units in the reader's
locale, price breaks counted in products, dated rates (shipped and entered by coordinators),
the comparison's rates per quote date, default RFQ quantities, notifications and e-mails in
the recipient's language and time zone with absolute links and clean subjects, notifications
read when viewed, choice labels that follow the language, labels instead of codes."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone, translation

from shisaku.core.money import money_format, number_format, percent_format
from shisaku.notifications.models import Notification
from shisaku.notifications.services import subject_shorten
from shisaku.rfq import services
from shisaku.rfq.comparison import QuoteRow, compare
from shisaku.rfq.models import CurrencyRate, Quote
from tests.apps.test_rfq_support import make_rfq, make_world, quote_lines


def _client(user: Any) -> Client:
    c = Client()
    c.force_login(user)
    return c


# --- money and numbers (no database) --------------------------------------------------------

@pytest.mark.parametrize(("amount", "currency", "lang", "shown"), [
    ("4500.0000", "KRW", "ko", "₩4,500"),          # the issue's examples
    ("18000000.00", "JPY", "ja", "￥18,000,000"),
    ("45000.00", "KRW", "en", "₩45,000"),
    ("1234.5", "USD", "en", "$1,234.50"),
    ("1234.5", "USD", "ko", "US$1,234.50"),
    ("99.995", "EUR", "ja", "€100.00"),           # rounded half-up to cents
    ("12345.6", "VND", "en", "₫12,346"),          # no minor unit
])
def test_money_uses_minor_units_and_locale(amount: str, currency: str, lang: str,
                                          shown: str) -> None:
    assert money_format(Decimal(amount), currency, lang=lang) == shown


def test_unit_prices_keep_significant_decimals_only() -> None:
    assert money_format(Decimal("4500.0000"), "KRW", lang="ko", unit=True) == "₩4,500"
    assert money_format(Decimal("0.0450"), "USD", lang="en", unit=True) == "$0.045"
    assert money_format(Decimal("5.0000"), "USD", lang="en", unit=True) == "$5.00"
    # a converted KRW price is shown in whole won; a tiny one keeps its decimals
    assert money_format(Decimal("4075.8521"), "KRW", lang="ko", unit=True) == "₩4,076"
    assert money_format(Decimal("45.5"), "KRW", lang="ko", unit=True) == "₩45.5"
    assert money_format(None, "USD") == ""


def test_numbers_and_percentages_are_localised() -> None:
    assert number_format(30000, lang="ko") == "30,000"
    assert number_format(Decimal("12.50"), lang="ja", digits=1) == "12.5"
    assert number_format(Decimal("4500.0000"), lang="en") == "4,500"
    assert percent_format(Decimal("12.5"), lang="en", digits=1) == "12.5%"
    assert percent_format(40, lang="ko") == "40%"


# --- price breaks: tiers count products, pieces are priced ------------------------------------

def test_price_break_by_products_not_pieces_issue_example() -> None:
    # 4 pieces per product, breaks at 10 and 100 products: 30 products use the 10 tier
    row = QuoteRow(1, "USD", {(7, 10): Decimal("5.00"), (7, 100): Decimal("2.00")})
    res = compare([row], parts={7: 4}, tiers=[10, 100], quantity=30, currency="USD", rates={})
    assert res[0].total == Decimal("600.00")  # 5.00 x 4 x 30, not 240.00


def test_price_break_own_example_two_parts() -> None:
    # 3 pieces per product at breaks 100 / 1000 products; 250 products -> the 100 tier for
    # both parts although 250 x 3 = 750 pieces of part 8 (still below 1000 products)
    row = QuoteRow(1, "USD", {(7, 100): Decimal("2"), (7, 1000): Decimal("1"),
                              (8, 100): Decimal("0.50"), (8, 1000): Decimal("0.25")},
                   Decimal("100"))
    res = compare([row], parts={7: 1, 8: 3}, tiers=[100, 1000], quantity=250,
                  currency="USD", rates={})
    assert res[0].total == Decimal("100") + 2 * 250 + Decimal("0.50") * 750
    at_1000 = compare([row], parts={7: 1, 8: 3}, tiers=[100, 1000], quantity=1000,
                      currency="USD", rates={})
    assert at_1000[0].total == Decimal("100") + 1 * 1000 + Decimal("0.25") * 3000


def test_each_quote_converts_with_its_own_rates() -> None:
    a = QuoteRow(1, "KRW", {(7, 10): Decimal("1000")}, rates={"KRW": Decimal("0.001")})
    b = QuoteRow(2, "KRW", {(7, 10): Decimal("1000")}, rates={"KRW": Decimal("0.0005")})
    res = compare([a, b], parts={7: 1}, tiers=[10], quantity=10, currency="USD", rates={})
    assert [r.total for r in res] == [Decimal("10.00"), Decimal("5.00")]


# --- subjects -----------------------------------------------------------------------------

def test_subjects_cut_at_a_word_with_an_ellipsis() -> None:
    text = "Thank you for your time on Housing for the rehabilitation glove. The startup has"
    cut = subject_shorten(text, 40)
    assert len(cut) <= 40 and cut.endswith("…")
    assert text.startswith(cut[:-1]) and text[len(cut) - 1] == " "  # cut before a space
    assert subject_shorten("short", 40) == "short"
    korean = "새 견적 요청: 재활 장갑 하우징 및 손바닥 플레이트 시제품 제작 견적 요청입니다"
    cut_ko = subject_shorten(korean, 20)
    assert 18 <= len(cut_ko) <= 20 and cut_ko.endswith("…") and korean.startswith(cut_ko[:-1])
    # never between a letter and its combining mark
    import unicodedata
    decomposed = "ab" + "e\u0301" * 30
    body = subject_shorten(decomposed, 10)[:-1]
    assert decomposed.startswith(body) and not unicodedata.combining(decomposed[len(body)])


# --- with a database ----------------------------------------------------------------------

@pytest.fixture
def world(settings: Any, tmp_path: Any) -> Any:
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.HOME = tmp_path
    settings.SHISAKU_BASE_URL = "https://shisaku.example.org"
    return make_world()


@pytest.mark.django_db
def test_ecb_rates_ship_with_their_source_and_date() -> None:
    krw = CurrencyRate.objects.get(currency="KRW", as_of=dt.date(2026, 10, 30))
    # ECB: 1 EUR = 1.1172 USD = 1491.76 KRW
    assert krw.rate_to_usd == (Decimal("1.1172") / Decimal("1491.76")).quantize(Decimal("1e-10"))
    assert "ECB" in krw.source and "2026-10-30" in krw.source
    assert set(CurrencyRate.objects.values_list("currency", flat=True)) >= {
        "KRW", "JPY", "CNY", "EUR"}


@pytest.mark.django_db
def test_comparison_in_usd_of_krw_and_jpy_quotes(world: Any) -> None:
    now = timezone.now()
    rfq, (a, b, _c) = make_rfq(world, now=now)
    services.quote_submit(actor=world.makers["alpha"], invitation=a,
                          lines=quote_lines(world, "4500"), currency="KRW", lead_time_days=20,
                          valid_until=timezone.localdate() + dt.timedelta(days=30),
                          tooling_cost="1000000", now=now)
    services.quote_submit(actor=world.makers["bravo"], invitation=b,
                          lines=quote_lines(world, "500"), currency="JPY", lead_time_days=20,
                          valid_until=timezone.localdate() + dt.timedelta(days=30), now=now)
    owner = _client(world.owner)
    with translation.override("ko"):
        page = owner.get(f"/rfqs/{rfq.pk}/compare?currency=USD&quantity=300",
                         HTTP_ACCEPT_LANGUAGE="ko").content.decode()
    assert "US$" in page and "환율 없음" not in page and "no rate" not in page
    assert 'data-testid="rates-used"' in page and "ECB" in page
    # the KRW quote itself, in KRW: no decimals anywhere
    krw = owner.get(f"/rfqs/{rfq.pk}/compare?currency=KRW&quantity=300").content.decode()
    assert "₩4,500<" in krw and "4500.0000" not in krw and "₩1,000,000" in krw
    assert ".00 KRW" not in krw


@pytest.mark.django_db
def test_quote_uses_the_rate_of_its_date(world: Any) -> None:
    early = dt.datetime(2026, 10, 27, 3, 0, tzinfo=dt.UTC)
    rfq, (a, *_r) = make_rfq(world, now=early)
    services.quote_submit(actor=world.makers["alpha"], invitation=a,
                          lines=quote_lines(world, "1000"), currency="KRW", lead_time_days=5,
                          valid_until=dt.date(2099, 1, 1), now=early)
    from shisaku.rfq.selectors import comparison
    data = comparison(user=world.owner, rfq=rfq, quantity=10, currency="USD",
                      now=early + dt.timedelta(days=8))
    used = {(c, d) for c, _r, d, _s in data["rows"][0]["rates_used"]}
    assert used == {("KRW", dt.date(2026, 10, 27))}
    rate = CurrencyRate.objects.get(currency="KRW", as_of=dt.date(2026, 10, 27)).rate_to_usd
    assert data["rows"][0]["total"] == (Decimal(1000) * rate * 20).quantize(Decimal("0.01"))


@pytest.mark.django_db
def test_coordinators_enter_rates_with_history(world: Any) -> None:
    coord = _client(world.coord)
    page = coord.get("/rfqs/rates/")
    assert page.status_code == 200 and b'data-testid="rate-form"' in page.content
    saved = coord.post("/rfqs/rates/", {"currency": "VND", "as_of": "2026-11-02",
                                        "units_per_usd": "26300", "source": "SBV central rate"})
    assert saved.status_code == 302
    coord.post("/rfqs/rates/", {"currency": "VND", "as_of": "2026-11-09",
                                "units_per_usd": "26250", "source": "SBV central rate"})
    rows = CurrencyRate.objects.filter(currency="VND").order_by("as_of")
    assert [r.as_of.isoformat() for r in rows] == ["2026-11-02", "2026-11-09"]
    assert rows[0].rate_to_usd == (Decimal(1) / Decimal(26300)).quantize(Decimal("1e-10"))
    assert rows[0].entered_by == world.coord
    bad = coord.post("/rfqs/rates/", {"currency": "VND", "as_of": "2026-11-02",
                                      "units_per_usd": "-3", "source": ""})
    assert bad.status_code == 422
    # a startup sees the history but cannot write
    owner = _client(world.owner)
    assert b'data-testid="rate-form"' not in owner.get("/rfqs/rates/").content
    assert owner.post("/rfqs/rates/", {"currency": "VND", "as_of": "2026-11-03",
                                       "units_per_usd": "1", "source": "x"}).status_code == 403


@pytest.mark.django_db
def test_rfq_defaults_are_the_projects_product_quantities(world: Any) -> None:
    p = world.project
    p.qty_prototype, p.qty_pilot, p.qty_small_lot, p.qty_mass = 10, 300, None, 30000
    p.save()
    part = world.parts[0]
    part.quantity_per_unit = 4
    part.save()
    page = _client(world.owner).get(f"/rfqs/new/{p.pk}").content.decode()
    assert 'value="10, 300, 30000"' in page
    assert 'data-testid="pieces-per-tier"' in page and "120,000" in page  # 30,000 x 4


@pytest.mark.django_db
def test_notification_in_recipients_language_zone_and_absolute_link(
        world: Any, django_capture_on_commit_callbacks: Any) -> None:
    maker = world.makers["alpha"]
    maker.preferred_language, maker.time_zone = "ja", "Asia/Tokyo"
    maker.save()
    now = dt.datetime(2026, 11, 30, 8, 0, tzinfo=dt.UTC)  # Monday 17:00 in Seoul
    with django_capture_on_commit_callbacks(execute=True):
        _rfq, (inv,) = make_rfq(world, firms=("alpha",), now=now)
    note = Notification.objects.get(user=maker, kind="invited")
    local = timezone.localtime(inv.ack_deadline, timezone=dt.timezone(dt.timedelta(hours=9)))
    shown = f"{local:%Y-%m-%d %H:%M} (Asia/Tokyo)"
    assert shown in note.text and "見積" in note.text
    assert "hours" not in note.text and "時間以内" not in note.text
    msg = mail.outbox[-1]
    assert msg.to == [maker.email] and shown in msg.body
    assert f"https://shisaku.example.org/rfqs/invitations/{inv.pk}/" in msg.body
    assert msg.subject.startswith("[Shisaku] ") and len(msg.subject) <= 78
    # the page the link opens shows the same deadline in the same zone
    page = _client(maker).get(f"/rfqs/invitations/{inv.pk}/").content.decode()
    assert f"{local:%Y-%m-%d %H:%M}" in page


@pytest.mark.django_db
def test_notifications_without_preference_use_the_deployment_default(
        world: Any, settings: Any) -> None:
    settings.LANGUAGE_CODE = "ko"
    make_rfq(world, firms=("alpha",))
    note = Notification.objects.get(user=world.makers["alpha"], kind="invited")
    assert "견적" in note.text


@pytest.mark.django_db
def test_notifications_read_when_listed_or_when_their_page_is_opened(world: Any) -> None:
    _rfq, (a, b, _c) = make_rfq(world)
    services.message_post(actor=world.makers["alpha"], invitation=a, body="Question",
                          from_manufacturer=True)
    services.message_post(actor=world.makers["bravo"], invitation=b, body="Question",
                          from_manufacturer=True)
    owner = _client(world.owner)
    assert Notification.objects.filter(user=world.owner, read_at__isnull=True).count() == 2
    owner.get(f"/rfqs/invitations/{a.pk}/")  # opening the linked object reads it
    unread = Notification.objects.filter(user=world.owner, read_at__isnull=True)
    assert [n.url for n in unread] == [f"/rfqs/invitations/{b.pk}/"]
    listing = owner.get("/notifications/").content.decode()
    assert "unread" in listing  # shown as new once ...
    assert not Notification.objects.filter(user=world.owner, read_at__isnull=True).exists()
    assert b"Notifications (" not in owner.get("/notifications/").content  # ... then read


@pytest.mark.django_db
def test_notification_list_follows_the_readers_language(world: Any) -> None:
    make_rfq(world, firms=("alpha",))
    maker = _client(world.makers["alpha"])
    maker.cookies["django_language"] = "ko"
    page = maker.get("/notifications/").content.decode()
    assert "견적" in page and "New request for quotation" not in page


@pytest.mark.django_db
def test_settings_page_saves_language_zone_and_mutes(world: Any) -> None:
    maker = _client(world.makers["alpha"])
    ok = maker.post("/notifications/settings/", {"preferred_language": "ko",
                                                 "time_zone": "Asia/Tokyo",
                                                 "muted": ["message"]})
    assert ok.status_code == 302
    user = type(world.owner).objects.get(pk=world.makers["alpha"].pk)
    assert (user.preferred_language, user.time_zone) == ("ko", "Asia/Tokyo")
    bad = maker.post("/notifications/settings/", {"time_zone": "Mars/Olympus"})
    assert bad.status_code == 400


# --- labels -------------------------------------------------------------------------------

@pytest.mark.django_db
@pytest.mark.parametrize("lang", ["ko", "ja", "en"])
def test_find_page_labels_follow_the_language(client: Client, lang: str) -> None:
    from shisaku import taxonomy
    for first in ("ko", "ja", "en"):  # whatever language rendered first
        client.cookies["django_language"] = first
        client.get("/manufacturers/find")
    client.cookies["django_language"] = lang
    page = client.get("/manufacturers/find").content.decode()
    assert taxonomy.label("process", "cnc_milling", lang) in page
    for other in {"ko", "ja", "en"} - {lang}:
        assert f">{taxonomy.label('process', 'injection_molding', other)}<" not in page


@pytest.mark.django_db
@pytest.mark.parametrize("lang", ["ko", "ja"])
def test_signup_countries_in_the_readers_language(client: Client, lang: str) -> None:
    from shisaku import taxonomy
    client.cookies["django_language"] = lang
    page = client.get("/accounts/signup").content.decode()
    assert taxonomy.label("country", "KR", lang) in page
    assert ">South Korea<" not in page and ">Korea, Republic of<" not in page


def test_stage_has_one_label_per_code() -> None:
    from shisaku import taxonomy
    from shisaku.projects.choices import Stage
    for lang in ("ko", "ja", "en"):
        with translation.override(lang):
            for code, label in Stage.choices:
                assert str(label) == taxonomy.label("stage", code, lang)


def test_spec_choices_are_shown_as_labels() -> None:
    from shisaku.projects.specs import spec_rows
    with translation.override("en"):
        rows = dict((str(k), str(v)) for k, v in spec_rows({"texture": "matte"}))
    assert "matte" not in rows.values() and "Matte" in rows.values()


def test_every_model_has_a_translated_plural() -> None:
    from django.apps import apps
    missing = [m.__name__ for m in apps.get_models() if m.__module__.startswith("shisaku")
               and "verbose_name_plural" not in m._meta.original_attrs
               and not m._meta.abstract and m.__name__ != "User"]
    assert missing == []
    from shisaku.rfq.models import Quote as QuoteModel
    with translation.override("ko"):
        assert not str(QuoteModel._meta.verbose_name_plural).endswith("s")


@pytest.mark.django_db
def test_api_docs_work_offline(client: Client) -> None:
    page = client.get("/api/v1/docs").content.decode()
    assert "cdn.jsdelivr" not in page and "unpkg" not in page
    assert "/static/ninja/swagger-ui-bundle.js" in page
    assert "/static/ninja/swagger-ui-init.js" in page
    assert "<script>" not in page.replace('<script type="application/json"', "")  # no inline JS
    from django.contrib.staticfiles import finders
    assert finders.find("ninja/swagger-ui-bundle.js") and finders.find("ninja/swagger-ui.css")


def test_taxlabels_never_splits_a_string() -> None:
    from shisaku.core.templatetags.shisaku import taxlabels
    with translation.override("ko"):
        assert taxlabels(["injection_molding"], "process") == taxlabels(
            "injection_molding", "process")
        assert ", " not in taxlabels("injection_molding", "process")


_unused = (Quote,)


@pytest.mark.django_db
def test_shipped_rates_are_what_migrate_loaded_and_loading_again_adds_nothing() -> None:
    from shisaku.rfq.services import currency_rates_load_shipped, currency_rates_shipped
    shipped = currency_rates_shipped()
    assert {c for c, *_r in shipped} == {"EUR", "JPY", "KRW", "CNY"}
    stored = {(r.currency, r.as_of): r.rate_to_usd for r in CurrencyRate.objects.all()}
    assert all(stored[(c, d)] == rate for c, d, rate, _s in shipped)
    assert currency_rates_load_shipped() == 0


@pytest.mark.django_db
def test_language_picked_in_the_header_becomes_the_preference(world: Any) -> None:
    maker = world.makers["alpha"]
    assert maker.preferred_language == ""
    client = _client(maker)
    client.cookies["django_language"] = "ko"
    client.get("/rfqs/inbox/")
    maker.refresh_from_db()
    assert maker.preferred_language == "ko"  # so its e-mails come in Korean
    other = world.makers["bravo"]
    other.preferred_language = "ja"
    other.save()
    page = _client(other).get("/rfqs/inbox/").content.decode()  # no cookie: the preference
    assert '<html lang="ja">' in page


@pytest.mark.django_db
def test_window_digest_in_each_coordinators_language_with_an_absolute_link(
        world: Any, mailoutbox: list) -> None:
    from shisaku.consortia.services import window_digest_send
    world.coord.preferred_language = "ja"
    world.coord.save()
    assert window_digest_send() == 1
    (letter,) = mailoutbox
    assert "https://shisaku.example.org/window/" in letter.body
    assert "窓口" in letter.subject or "ダイジェスト" in letter.subject, letter.subject


@pytest.mark.django_db
def test_consortium_invitations_notify_the_firms_in_their_language() -> None:
    from shisaku.consortia import services as consortia
    from tests.apps.test_consortia_support import make_world as consortium_world

    w = consortium_world()
    for user in w.makers.values():
        user.preferred_language = "ko"
        user.save()
    consortia.window_send(actor=w.owner, project=w.project, coordinator=w.coordinator.pk)
    consortium = consortia.consortium_propose(actor=w.coord, project=w.project)
    consortia.consortium_invite(actor=w.coord, consortium=consortium)
    invited = set(consortium.members.values_list("manufacturer_id", flat=True))
    notes = Notification.objects.filter(kind="consortium_invited")
    assert notes.exists() and all("공동 수주" in n.text for n in notes)
    assert all(n.url == "/window/invitations/" for n in notes)
    told_firms = {m.organisation.manufacturer.pk for n in notes
                  for m in [n.user.memberships.get()]}
    assert told_firms == invited


@pytest.mark.django_db
@pytest.mark.parametrize("lang", ["ko", "ja"])
def test_profile_editor_and_estimate_form_in_the_readers_language(world: Any,
                                                                  lang: str) -> None:
    from shisaku import taxonomy
    maker = _client(world.makers["alpha"])
    maker.cookies["django_language"] = "en"
    maker.get(f"/manufacturers/{world.firms['alpha'].pk}/edit")  # English rendered first
    maker.cookies["django_language"] = lang
    editor = maker.get(f"/manufacturers/{world.firms['alpha'].pk}/edit").content.decode()
    estimate = maker.get("/estimate/").content.decode()
    for page in (editor, estimate):
        assert taxonomy.label("process", "cnc_milling", lang) in page
        assert ">CNC milling<" not in page
    assert f">{taxonomy.label('country', 'JP', lang)}<" in estimate


@pytest.mark.django_db
def test_refusals_name_the_field_in_words_in_the_readers_language(world: Any) -> None:
    _rfq, (a, *_r) = make_rfq(world)
    firm = _client(world.makers["alpha"])
    firm.cookies["django_language"] = "ko"
    page = firm.post(f"/rfqs/invitations/{a.pk}/quote", {
        "currency": "KRW", "tooling_cost": "0", "lead_time_days": "10",
        "valid_until": "2099-01-01"}, follow=True).content.decode()
    assert "가격: 부품 하나 이상을 한 수량 이상으로 가격을 입력하세요" in page
    assert "lines:" not in page and "price at least one part" not in page


@pytest.mark.django_db
def test_estimate_page_shows_cost_items_and_chart_in_words(world: Any) -> None:
    from pathlib import Path

    from django.core.files.uploadedfile import SimpleUploadedFile

    from shisaku import taxonomy
    from shisaku.estimates.services import estimate_part_file
    from shisaku.projects.services import part_file_add
    stl = Path(__file__).resolve().parents[1] / "data" / "parts" / "plate_holes.STL"
    pfile = part_file_add(actor=world.owner, part=world.parts[0], kind="cad",
                          upload=SimpleUploadedFile("plate.STL", stl.read_bytes()))
    estimate = estimate_part_file(owner=world.owner, part_file=pfile)
    owner = _client(world.owner)
    owner.cookies["django_language"] = "ko"
    page = owner.get(f"/estimate/{estimate.pk}/").content.decode()
    assert "tooling_amortised" not in page and "cross_border" not in page
    from django.utils import translation

    from shisaku.estimates import words
    with translation.override("ko"):
        machine = str(words.BREAKDOWN["machine"])
    assert machine != "machine" and machine in page  # the "machine" item, in words
    # The chart is an SVG image at its own URL: read it to check its labels.
    import re
    src = re.search(r'<img[^>]+src="(/estimate/\d+/chart\.svg[^"]*)"', page)
    assert src is not None
    chart = owner.get(src.group(1).replace("&amp;", "&")).content.decode()
    assert taxonomy.label("process", "cnc_milling", "ko") in chart and "cnc_milling" not in chart
    assert "Landed unit cost" not in chart and "US$" in page
