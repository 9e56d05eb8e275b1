"""Who is signed in. Sign-in itself (passwords, the council's single sign-on) comes with the
roles work; until then the app runs as one local user whose role is set by
`CPD_DASHBOARD_ROLE` (default analyst), so every page already asks the data layer as a user."""
from __future__ import annotations

import os

from dashboard.access import ROLES, User


def current_user() -> User:
    role = os.environ.get("CPD_DASHBOARD_ROLE", "analyst")
    if role not in ROLES:
        role = "member"  # an unknown role gets the least
    return User(name=f"local {role}", role=role)
