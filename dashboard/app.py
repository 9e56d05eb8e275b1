"""The Dash app factory. gunicorn serves `dashboard.app:server` (Procfile `web`).

Nothing here opens the warehouse at import: pages read it per request, in the worker.
"""
from __future__ import annotations

from dash import Dash, html

from dashboard import pages
from etl.config import load_config


def create_app() -> Dash:
    app = Dash(
        __package__ or __name__,
        title="Corporate parenting dashboard",
        serve_locally=True,  # offline: Dash's own scripts from the package, never a CDN
        update_title=None,
    )
    app.layout = lambda: pages.start_page(load_config())
    return app


app = create_app()
server = app.server
