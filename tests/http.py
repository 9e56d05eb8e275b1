"""A real HTTP client for a live test server, signed in as a user would be.

It keeps cookies by hand: the app's cookies are Secure (as in production), and Python's
cookie jar will not send a Secure cookie over the plain http of a server on 127.0.0.1.
"""
from __future__ import annotations

import json
import re
from http.cookies import SimpleCookie

import requests

from tests.live import PASSWORD, USERS


class Client:
    def __init__(self, base: str):
        self.base = base
        self.http = requests.Session()
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, headers: dict | None = None,
                **kwargs) -> requests.Response:
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        response = self.http.request(method, self.base + path, headers=headers,
                                     allow_redirects=False, timeout=30, **kwargs)
        self.http.cookies.clear()
        for line in response.raw.headers.getlist("Set-Cookie"):
            for name, morsel in SimpleCookie(line).items():
                if morsel["max-age"] == "0" or "1970" in morsel["expires"]:
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value
        return response

    def get(self, path: str, **kwargs) -> requests.Response:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, **kwargs) -> requests.Response:
        return self.request("POST", path, **kwargs)

    def form_token(self, path: str = "/sign-in") -> str:
        found = re.search(r'name="csrf" value="([^"]+)"', self.get(path).text)
        assert found, "no form token on the sign-in page"
        return found.group(1)

    def sign_in(self, name: str, password: str = PASSWORD) -> requests.Response:
        return self.post("/sign-in", data={"csrf": self.form_token(), "name": name,
                                           "password": password})

    def callback(self, output: str, inputs: list[dict], state: list | None = None,
                 changed: list[str] | None = None, csrf: bool = True) -> requests.Response:
        """One Dash callback, as the renderer sends it (with the CSRF header it echoes)."""
        body = {"output": output, "outputs": _outputs(output), "inputs": inputs,
                "state": state or [],
                "changedPropIds": changed or [f"{i['id']}.{i['property']}" for i in inputs]}
        headers = {"Content-Type": "application/json"}
        if csrf and "_csrf_token" in self.cookies:
            headers["X-CSRFToken"] = self.cookies["_csrf_token"]
        return self.post("/_dash-update-component", data=json.dumps(body), headers=headers)

    def page(self, pathname: str, search: str = "") -> requests.Response:
        """The page callback for a URL: what the browser would render there."""
        return self.callback("page.children", [
            {"id": "url", "property": "pathname", "value": pathname},
            {"id": "url", "property": "search", "value": search}])


def _outputs(output: str) -> dict | list:
    if output.startswith(".."):
        return [_outputs(o) for o in output.strip(".").split("...")]
    component, prop = output.rsplit(".", 1)
    return {"id": component, "property": prop}


def signed_in(base: str, role: str) -> Client:
    client = Client(base)
    response = client.sign_in(USERS[role])
    assert response.status_code == 302, f"{role} could not sign in ({response.status_code})"
    return client


def client_signed_in(app, role: str):
    """The app's own Flask test client (no server), signed in through the sign-in form as
    `role`'s sample user."""
    client = app.server.test_client()
    token = re.search(r'name="csrf" value="([^"]+)"', client.get("/sign-in").text).group(1)
    response = client.post("/sign-in", data={"csrf": token, "name": USERS[role],
                                             "password": PASSWORD})
    assert response.status_code == 302, f"{role} could not sign in"
    return client
