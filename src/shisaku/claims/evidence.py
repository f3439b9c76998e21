"""Evidence of a claim: a registration number checked by its country's check digits
(python-stdnum), and an e-mail address on the firm's own web domain."""

from __future__ import annotations

from types import ModuleType
from urllib.parse import urlparse

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from stdnum import exceptions as stdnum_errors
from stdnum.cn import uscc
from stdnum.jp import cn as jp_cn
from stdnum.kr import brn
from stdnum.tw import ubn
from stdnum.vn import mst

from shisaku.errors import InputError

# country -> (validator module, what the number is called)
REGISTRATION_NUMBERS: dict[str, tuple[ModuleType, object]] = {
    "KR": (brn, gettext_lazy("Korean business registration number (사업자등록번호, 10 digits)")),
    "JP": (jp_cn, gettext_lazy("Japanese corporate number (法人番号, 13 digits)")),
    "CN": (uscc, gettext_lazy("Chinese unified social credit code (统一社会信用代码, 18 "
                              "characters)")),
    "TW": (ubn, gettext_lazy("Taiwanese unified business number (統一編號, 8 digits)")),
    "VN": (mst, gettext_lazy("Vietnamese tax code (mã số thuế, 10 or 13 digits)")),
}


def _kr_brn_check_digit_ok(number: str) -> bool:
    """The National Tax Service's check digit of a 10-digit BRN (weights 1 3 7 1 3 7 1 3 5,
    plus the tens of the ninth digit times 5). python-stdnum 2.2's kr.brn checks only the
    length and the office / kind components, so the last digit is checked here."""
    digits = [int(c) for c in number]
    total = sum(d * w for d, w in zip(digits[:9], (1, 3, 7, 1, 3, 7, 1, 3, 5), strict=True))
    total += digits[8] * 5 // 10
    return (10 - total % 10) % 10 == digits[9]


def registration_number_check(*, number: str, country: str) -> str:
    """The number in its compact form when it is valid for a firm of ``country``;
    InputError("registration_number", reason) otherwise."""
    if country not in REGISTRATION_NUMBERS:
        raise InputError("registration_number",
                         _("Registration numbers of firms in %(country)s cannot be checked "
                           "here; verify an e-mail address on the firm's web domain instead.")
                         % {"country": country})
    module, label = REGISTRATION_NUMBERS[country]
    try:
        compact = str(module.validate(number))
        if country == "KR" and not _kr_brn_check_digit_ok(compact):
            raise stdnum_errors.InvalidChecksum()
        return compact
    except stdnum_errors.InvalidChecksum:
        problem = _("the check digit is wrong")
    except stdnum_errors.InvalidLength:
        problem = _("it has the wrong number of digits")
    except stdnum_errors.ValidationError:
        problem = _("it has the wrong format")
    raise InputError("registration_number",
                     _("This is not a valid %(label)s: %(problem)s.")
                     % {"label": label, "problem": problem})


def web_domain(website: str) -> str:
    """The host of a firm's website without ``www.`` ("" when it has none)."""
    if not website:
        return ""
    host = urlparse(website if "//" in website else f"//{website}").hostname or ""
    host = host.lower().rstrip(".")
    return host[4:] if host.startswith("www.") else host


def email_on_domain(*, email: str, website: str) -> str:
    """``email`` normalised when it is on the firm's web domain (or a sub-domain of it);
    InputError("email", reason) otherwise."""
    domain = web_domain(website)
    if not domain:
        raise InputError("email", _("This firm lists no website, so an e-mail address cannot "
                                    "show that you act for it; give its registration number."))
    email = email.strip().lower()
    _local, _sep, host = email.rpartition("@")
    if not _sep or not (host == domain or host.endswith("." + domain)):
        raise InputError("email", _("Give an address on the firm's web domain (…@%(domain)s).")
                         % {"domain": domain})
    return email
