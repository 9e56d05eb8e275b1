"""Parts of pages drawn once per published warehouse and shared by everyone who sees them
alike, kept as the JSON the browser receives.

Once a page's figures were cached, drawing its components and writing them out as JSON was
most of the work of a page view (issue 14), and at England's scale writing out one page (a
heatmap and table of 1,300 teams) took longer than all the rest. A part is remembered under:
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

Parts are shared only while the page callback renders a page (`sharing`); anywhere else (the
tests, which read a page's components) `part` draws the components as they are. While
sharing, `part` gives a placeholder in place of the part's components, a string no request
can know (it holds a random secret of the worker), and `splice` writes the part's JSON in its
place once Dash has written out the response: the response is the same, byte for byte, as
if the part had been drawn for it.
"""
from __future__ import annotations

import contextlib
import secrets

from flask import Response, g, has_request_context, request
from plotly.io.json import to_json_plotly

from dashboard import state
from dashboard.view import View
from dashboard.warehouse import PerWarehouse

# What a worker keeps, in bytes of JSON: a one-LA page is 50 to 110 KB, an England-sized one
# up to 9 MB.
KEPT_BYTES = 48 * 1024 * 1024
PAGE_CALLBACK = "/_dash-update-component"
_SECRET = secrets.token_hex(16)


class _Drawn:
    """A part's components as JSON, without the brackets of their list (to go in another
    list), and whether it may be kept."""
    __slots__ = ("items", "keep")

    def __init__(self, items: str, keep: bool):
        self.items, self.keep = items, keep


_PARTS = PerWarehouse(KEPT_BYTES,
                      weigh=lambda drawn: len(drawn.items) + 1 if drawn.keep else None)


def viewer(view: View) -> tuple:
    """Everything about a view and its viewer a part may depend on (see the module's
    docstring), as a key."""
    user = view.user
    return (view.la, view.period, view.area, view.team, tuple(sorted(view.params.items())),
            view.periods, view.las, view.default_la, user.role, user.teams, user.councils)


def part(name: str, view: View, draw, *more) -> list:
    """draw()'s components (a list), remembered for this published warehouse under `name`,
    the view and its viewer (`viewer`) and `more` (hashable): to go in a list of components
    as they are (`[*part(...)]`). The caller has made every check of the page first."""
    if not (has_request_context() and "cpd_parts" in g):
        return list(draw())
    drawn = _PARTS.get((name, viewer(view), *more), lambda: _drawn(draw))
    if not drawn.items:
        return []
    token = f"cpd-part-{_SECRET}-{len(g.cpd_parts)}"
    g.cpd_parts[token] = drawn.items
    return [token]


def _drawn(draw) -> _Drawn:
    audited = state.audits_made()
    text = to_json_plotly(list(draw()))
    return _Drawn(text[1:-1], state.audits_made() == audited)


@contextlib.contextmanager
def sharing():
    """Inside the block (the page callback), parts are shared (`part`); `splice` puts them in
    the response."""
    g.cpd_parts = {}
    try:
        yield
    except BaseException:
        g.cpd_parts = {}  # an error's response holds no part
        raise


def splice(response: Response) -> Response:
    """The page callback's response with each part's JSON in place of its placeholder (an
    after-request hook). Every placeholder the response holds was made for this request
    (no other can know one), so every one is replaced; one the page did not use in the end
    (a part drawn before a refusal) is simply not there."""
    parts = g.pop("cpd_parts", None) if has_request_context() else None
    if not parts or request.path != PAGE_CALLBACK or response.status_code != 200:
        return response
    body = response.get_data(as_text=True)
    for token, items in parts.items():
        body = body.replace(f'"{token}"', items)
    response.set_data(body)
    return response


def forget() -> None:
    """Forget every part (for tests)."""
    _PARTS.clear()
