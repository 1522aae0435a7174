"""API test fixtures: the demo organisation and the real diagrams, and a
client per user that sends that user's bearer token."""
import pytest

from tests.support.samples import TRIP
from tests.support.api_client import DEMO_PASSWORD, PREFIX, UserClient


@pytest.fixture
def api(client, org, deployed):
    """Factory: ``api("rm_east")`` is a UserClient for that demo user."""
    clients: dict[str, UserClient] = {}

    def as_user(username, password=DEMO_PASSWORD):
        if username not in clients:
            response = client.post(PREFIX + "/auth/token", json={"username": username, "password": password})
            assert response.status_code == 201, response.get_json()
            clients[username] = UserClient(client, username, response.get_json()["token"])
        return clients[username]

    return as_user


@pytest.fixture
def trip(api):
    """A travel request of rep_east1 waiting for rm_east's approval."""
    return api("rep_east1").start("travel_request", TRIP, business_key="TR-1")
