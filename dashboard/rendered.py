"""Parts of pages drawn once per published warehouse and shared by everyone who sees them
alike, kept as the JSON the browser receives.

Once a page's figures were cached, drawing its components and writing them as JSON was most
of the work of a page view (issue 14). A part is remembered under:
- the published warehouse (warehouse.PerWarehouse: a new publish is seen at the next request);
- its name (a page's, with its path) and whatever else its caller adds (the commentary shown);
- the whole view: council, period end, service area, team, every parameter of the address,
  the period ends and councils loaded, the default council;
- the viewer's class: role (whether small numbers are hidden, unverified benchmarks shown,
  children reachable), remit (teams) and councils. Never their name, session or address:
  no part shows them (the masthead, which does, is drawn for every request).

The checks come first. A page reads its data through the data layer (which checks the user's
role and remit, refuses and audits) for every request, and only then asks for its part,
drawn from what it read: a part is only ever returned after those checks passed. A part whose
drawing wrote to the audit log is never remembered (each view of it must be audited), nor is
one whose drawing failed.
"""
from __future__ import annotations

import json

from plotly.io.json import to_json_plotly

from dashboard import state
from dashboard.view import View
from dashboard.warehouse import PerWarehouse

# What a worker keeps, in bytes of JSON (in memory about four times that): a one-LA page is
# 50 to 110 KB, an England-sized one up to 9 MB.
KEPT_BYTES = 24 * 1024 * 1024


class _Drawn:
    """A part as JSON data, its size as JSON, and whether it may be kept."""
    __slots__ = ("data", "size", "keep")

    def __init__(self, data, size: int, keep: bool):
        self.data, self.size, self.keep = data, size, keep


_PARTS = PerWarehouse(KEPT_BYTES, weigh=lambda drawn: drawn.size if drawn.keep else None)


def viewer(view: View) -> tuple:
    """Everything about a view and its viewer a part may depend on (see the module's
    docstring), as a key."""
    user = view.user
    return (view.la, view.period, view.area, view.team, tuple(sorted(view.params.items())),
            view.periods, view.las, view.default_la, user.role, user.teams, user.councils)


def part(name: str, view: View, draw, *more):
    """draw() as the JSON data of its components (a list of them, or one), remembered for
    this published warehouse under `name`, the view and its viewer (`viewer`) and `more`
    (hashable). The caller has made every check of the page before asking. The data is
    shared: it is only ever written out."""
    return _PARTS.get((name, viewer(view), *more), lambda: _drawn(draw)).data


def _drawn(draw) -> _Drawn:
    audited = state.audits_made()
    text = to_json_plotly(draw())
    return _Drawn(json.loads(text), len(text), state.audits_made() == audited)


def forget() -> None:
    """Forget every part (for tests)."""
    _PARTS.clear()
