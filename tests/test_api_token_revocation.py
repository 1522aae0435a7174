"""An API token can be revoked by whoever holds it, and expired tokens are
removed from the database instead of piling up."""


def _bearer(token):
    return {"Authorization": f"Bearer {token}"}


def test_a_revoked_token_opens_nothing(client, create_user, api_token):
    create_user("ann")
    token = api_token("ann")
    assert client.get("/api/v1/me", headers=_bearer(token)).status_code == 200

    response = client.delete("/api/v1/auth/token", headers=_bearer(token))

    assert response.status_code == 204
    refused = client.get("/api/v1/me", headers=_bearer(token))
    assert refused.status_code == 401
    assert refused.get_json()["error"]["code"] == "unauthenticated"


def test_revoking_one_token_leaves_the_others(client, create_user, api_token):
    create_user("ann")
    kept, revoked = api_token("ann"), api_token("ann")
    assert client.delete("/api/v1/auth/token", headers=_bearer(revoked)).status_code == 204
    assert client.get("/api/v1/me", headers=_bearer(kept)).status_code == 200


def test_revoking_needs_the_token_itself(client, create_user, api_token):
    create_user("ann")
    token = api_token("ann")
    for headers in ({}, _bearer(token[:-3] + "xyz")):
        response = client.delete("/api/v1/auth/token", headers=headers)
        assert response.status_code == 401
        assert response.get_json()["error"]["code"] == "unauthenticated"
    assert client.get("/api/v1/me", headers=_bearer(token)).status_code == 200


def test_a_revoked_token_cannot_be_revoked_twice(client, create_user, api_token):
    create_user("ann")
    token = api_token("ann")
    assert client.delete("/api/v1/auth/token", headers=_bearer(token)).status_code == 204
    assert client.delete("/api/v1/auth/token", headers=_bearer(token)).status_code == 401


def test_an_auditor_may_revoke_their_own_token(client, create_user, api_token):
    create_user("aud", roles=["auditor"])
    token = api_token("aud")
    assert client.delete("/api/v1/auth/token", headers=_bearer(token)).status_code == 204
    assert client.get("/api/v1/me", headers=_bearer(token)).status_code == 401


def test_expired_tokens_are_purged(app, ctx, client, create_user, api_token, frozen_clock):
    from app.extensions import db
    from app.models import ApiToken

    create_user("ann")
    api_token("ann")
    frozen_clock.advance(hours=app.config["API_TOKEN_TTL_HOURS"], seconds=1)
    fresh = api_token("ann")

    assert db.session.scalar(db.select(db.func.count()).select_from(ApiToken)) == 1
    assert client.get("/api/v1/me", headers=_bearer(fresh)).status_code == 200
