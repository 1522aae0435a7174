"""Speaking to the API as one user, and reading its error body."""
from tests.support.logins import DEMO_PASSWORD  # noqa: F401  (the API tests' default)

PREFIX = "/api/v1"


def error_of(response, status: int, code: str | None = None) -> dict:
    """The error body of ``response``, checked for status, shape and code."""
    assert response.status_code == status, (response.status_code, response.get_data(as_text=True)[:500])
    body = response.get_json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message", "details"}, body
    if code is not None:
        assert body["error"]["code"] == code, body
    return body["error"]


def signed_in(client, username: str, password: str = DEMO_PASSWORD) -> "UserClient":
    """The API as ``username``, with a fresh token from /auth/token."""
    response = client.post(PREFIX + "/auth/token", json={"username": username, "password": password})
    assert response.status_code == 201, response.get_json()
    return UserClient(client, username, response.get_json()["token"])


class UserClient:
    """The test client, speaking as one user of the API."""

    def __init__(self, client, username: str, token: str):
        self.client = client
        self.username = username
        self.headers = {"Authorization": f"Bearer {token}"}

    def get(self, path, **kwargs):
        return self.client.get(PREFIX + path, headers=self.headers, **kwargs)

    def post(self, path, **kwargs):
        return self.client.post(PREFIX + path, headers=self.headers, **kwargs)

    def ok(self, method, path, status=200, **kwargs):
        response = getattr(self, method)(path, **kwargs)
        assert response.status_code == status, (response.status_code, response.get_data(as_text=True)[:800])
        return response.get_json()

    def start(self, key, data, **extra):
        return self.ok("post", "/process-instances", 201, json={"process_key": key, "data": data, **extra})

    def ready_task(self, instance_id, element_id):
        instance = self.ok("get", f"/process-instances/{instance_id}")
        ready = [t for t in instance["tasks"] if t["status"] == "ready" and t["element_id"] == element_id]
        assert ready, [(t["element_id"], t["status"]) for t in instance["tasks"]]
        return ready[0]
