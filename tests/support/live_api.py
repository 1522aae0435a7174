"""The JSON API of a live test app, as one demo user: signs in for a bearer
token and checks each answer's status, for browser tests that start and
approve requests beside the page they drive."""
from tests.support.api_client import PREFIX
from tests.support.logins import DEMO_PASSWORD
from tests.support.samples import APPROVE


class LiveApi:
    """Calls ``app``'s API as ``username`` through its test client."""

    def __init__(self, app, username):
        self.client = app.test_client()
        token = self.client.post(PREFIX + "/auth/token", json={"username": username, "password": DEMO_PASSWORD})
        assert token.status_code == 201, token.get_json()
        self.headers = {"Authorization": f"Bearer {token.get_json()['token']}"}

    def ok(self, method, path, status=200, **kwargs):
        """The JSON answer of ``method path``; fails the test on another status."""
        response = getattr(self.client, method)(PREFIX + path, headers=self.headers, **kwargs)
        assert response.status_code == status, (path, response.status_code, response.get_data(as_text=True)[:600])
        return response.get_json()

    def ready(self, instance_id):
        """The element ids of the instance's ready tasks."""
        tasks = self.ok("get", f"/process-instances/{instance_id}")["tasks"]
        return [t["element_id"] for t in tasks if t["status"] == "ready"]

    def complete(self, instance_id, element_id, data=APPROVE):
        """Complete the ready task ``element_id`` with ``data`` (an approval by default)."""
        tasks = self.ok("get", f"/process-instances/{instance_id}")["tasks"]
        ready = [t for t in tasks if t["status"] == "ready" and t["element_id"] == element_id]
        assert ready, [(t["element_id"], t["status"]) for t in tasks]
        self.ok("post", f"/tasks/{ready[0]['id']}/complete", json={"data": data})
