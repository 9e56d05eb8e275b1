from tests.security import support
def test_debug(live_server, sample_warehouse):
    made = support.client(live_server)
    for i in range(12):
        tok = made.form_token()
        r = made.post("/sign-in", data={"csrf": tok, "name": "nobody", "password": "wrong wrong wrong"})
        print(i, r.status_code, dict(r.headers))
    assert 0
