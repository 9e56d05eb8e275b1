"""What a page is asked to show: the user, and the filters the URL carries (council, period
end, service area, team, and per page an indicator or breakdown). A link shared in an email
opens the same view because everything is in the URL."""
from __future__ import annotations

import datetime as dt
import urllib.parse
from dataclasses import dataclass, field

from dashboard import access
from dashboard.access import User
from etl.config import ConfigError, parse_la_code

FILTERS = ("la", "period", "area", "team")
# every query parameter any page reads; a URL with any other is refused
PARAMS = ("la", "period", "area", "team", "sw", "indicator", "breakdown", "load")
MAX_VALUE = 200  # longer than any real name, far shorter than an attack
MAX_QUERY = 2048


class BadAddress(access.AccessDenied):
    """The URL asks for something this dashboard does not have (or cannot be read)."""


def url_params(search: str | None) -> dict:
    return {k: v[0] for k, v in urllib.parse.parse_qs((search or "").lstrip("?")).items()}


def checked_params(user: User, search: str | None) -> dict:
    """The query string's parameters, each a known one with one value of reasonable length;
    anything else is refused (and audited, without the value: it could be anything)."""
    query = (search or "").lstrip("?")
    if len(query) > MAX_QUERY:
        raise _bad(user, "address too long", "The address is too long.")
    try:
        pairs = urllib.parse.parse_qsl(query, keep_blank_values=True, strict_parsing=bool(query),
                                       max_num_fields=len(PARAMS))
    except ValueError:
        raise _bad(user, "address not understood", "The address could not be read.") from None
    params: dict[str, str] = {}
    for key, value in pairs:
        if key not in PARAMS:
            raise _bad(user, "unknown parameter", "The address asks for something this "
                       "dashboard does not have.")
        if key in params or len(value) > MAX_VALUE:
            raise _bad(user, f"bad {key}", f"The address's {key} is not one this dashboard "
                       "knows.")
        params[key] = value
    return {k: v for k, v in params.items() if v}


def _bad(user: User, reason: str, message: str) -> BadAddress:
    access.audit(user, "address refused", {"reason": reason}, 0, outcome="refused")
    denied = BadAddress(message)
    denied.audited = True
    return denied


def check_values(user: User, la: str, params: dict) -> None:
    """Every value the URL names must be a real one: a loaded council the user may see, a
    loaded period end, a service area, team, social worker or load of that council, an
    indicator of the catalogue, a breakdown the pages offer."""
    from dashboard.pages.indicator import BREAKDOWN_LABELS
    from etl.indicators.catalogue import BY_ID

    known = access.known_values(la)
    for key, value in params.items():
        if key == "la":  # choose_la fell back unless it was loaded and theirs
            try:
                ok = parse_la_code(value) == la
            except ConfigError:
                ok = False
        elif key == "indicator":
            ok = value in BY_ID
        elif key == "breakdown":
            ok = value in BREAKDOWN_LABELS
        else:
            ok = value in known.get(key, set())
        if not ok:
            raise _bad(user, f"unknown {key}", f"The address names a {NAMES[key]} this "
                       "dashboard does not have (or not for you).")


NAMES = {"la": "council", "period": "period end", "area": "service area", "team": "team",
         "sw": "social worker", "indicator": "measure", "breakdown": "breakdown",
         "load": "load"}


@dataclass(frozen=True)
class View:
    user: User
    periods: tuple[dt.date, ...]
    period: dt.date | None
    area: str | None = None
    team: str | None = None
    params: dict = field(default_factory=dict)
    la: str = ""  # the council shown (ONS code)
    las: tuple[str, ...] = ()  # every council loaded
    default_la: str = ""  # the council shown when the URL names none

    @classmethod
    def from_url(cls, user: User, search: str | None, periods: list[dt.date], la: str = "",
                 las: tuple[str, ...] = (), default_la: str = "",
                 params: dict | None = None) -> "View":
        params = url_params(search) if params is None else params
        period = None
        if params.get("period"):
            try:
                period = dt.date.fromisoformat(params["period"])
            except ValueError:
                period = None
        if period not in periods:
            period = periods[-1] if periods else None
        return cls(user, tuple(periods), period, params.get("area") or None,
                   params.get("team") or None, params, la, tuple(las), default_la or la)

    @classmethod
    def for_request(cls, user: User, search: str | None) -> "View":
        """The view a URL asks for, against what is loaded: the council named by `la=` if it
        is loaded, else the default one; then that council's periods."""
        params = checked_params(user, search)
        las = access.user_las(user)
        if not las and access.loaded_las():
            raise _bad(user, "no council of theirs", "None of the councils loaded here is "
                       "one you may see.")
        default = access.default_la(las)
        la = access.choose_la(params.get("la"), las)
        if las:
            check_values(user, la, params)
        return cls.from_url(user, search, access.periods(la), la, tuple(las), default, params)

    @property
    def filters(self) -> dict:
        """The filters to carry into every link (the default council and period are left
        out)."""
        chosen = {"la": self.la if self.la != self.default_la else None,
                  "area": self.area, "team": self.team}
        if self.periods and self.period != self.periods[-1]:
            chosen["period"] = self.period.isoformat()
        return {k: v for k, v in chosen.items() if v}

    @property
    def group(self) -> tuple[str, str] | None:
        """The breakdown group the filters select, the narrowest first."""
        if self.team:
            return ("team", self.team)
        if self.area:
            return ("service_area", self.area)
        return None

    @property
    def scope(self) -> str:
        return self.team or self.area or "the whole council"
