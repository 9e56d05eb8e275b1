"""What a page is asked to show: the user, and the filters the URL carries (council, period
end, service area, team, and per page an indicator or breakdown). A link shared in an email
opens the same view because everything is in the URL."""
from __future__ import annotations

import datetime as dt
import urllib.parse
from dataclasses import dataclass, field

from dashboard import access
from dashboard.access import User

FILTERS = ("la", "period", "area", "team")


def url_params(search: str | None) -> dict:
    return {k: v[0] for k, v in urllib.parse.parse_qs((search or "").lstrip("?")).items()}


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
                 las: tuple[str, ...] = (), default_la: str = "") -> "View":
        params = url_params(search)
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
        las = access.loaded_las()
        default = access.default_la(las)
        la = access.choose_la(url_params(search).get("la"), las)
        return cls.from_url(user, search, access.periods(la), la, tuple(las), default)

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
