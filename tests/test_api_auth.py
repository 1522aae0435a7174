from datetime import timedelta

from app import clock


def _error(response):
    body = response.get_json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message", "details"}
    return body["error"]


def test_token_then_me(client, create_user, api_token):
    create_user("ann", display_name="安妮", roles=["sales_rep", "finance"])
    token = api_token("ann")
    response = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
    assert response.get_json() == {"username": "ann", "display_name": "安妮", "roles": ["finance", "sales_rep"]}


def test_token_response_has_expiry(client, create_user):
    create_user("ann")
    response = client.post("/api/v1/auth/token", json={"username": "ann", "password": "correct-horse"})
    assert response.status_code == 201
    body = response.get_json()
    assert set(body) == {"token", "expires_at"} and len(body["token"]) >= 40


def test_only_the_token_hash_is_stored(ctx, client, create_user, api_token):
    from app.extensions import db
    from app.models import ApiToken

    create_user("ann")
    token = api_token("ann")
    stored = db.session.scalars(db.select(ApiToken.token_hash)).all()
    assert len(stored) == 1 and token not in stored[0] and len(stored[0]) == 64


def test_wrong_credentials_401(client, create_user):
    create_user("ann")
    response = client.post("/api/v1/auth/token", json={"username": "ann", "password": "nope-nope"})
    assert response.status_code == 401
    assert _error(response)["code"] == "unauthenticated"


def test_token_request_body_is_validated(client):
    response = client.post("/api/v1/auth/token", json={"username": 5})
    assert response.status_code == 422
    error = _error(response)
    assert error["code"] == "validation_failed"
    assert set(error["details"]["fields"]) == {"username", "password"}


def test_missing_token_401(client):
    response = client.get("/api/v1/me")
    assert response.status_code == 401
    assert "Bearer" in _error(response)["message"]


def test_forged_token_401(client, create_user, api_token):
    create_user("ann")
    token = api_token("ann")
    forged = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    for header in (f"Bearer {forged}", "Bearer ", f"Basic {token}", token):
        response = client.get("/api/v1/me", headers={"Authorization": header})
        assert response.status_code == 401, header
        assert _error(response)["code"] == "unauthenticated"


def test_expired_token_401(app, client, create_user, api_token):
    create_user("ann")
    token = api_token("ann")
    later = clock.now() + timedelta(hours=app.config["API_TOKEN_TTL_HOURS"], seconds=1)
    clock.set_clock(app, lambda: later)
    try:
        response = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    finally:
        clock.set_clock(app, None)
    assert response.status_code == 401
    assert _error(response)["code"] == "token_expired"


def test_unknown_api_path_is_json_404(client, create_user, api_token):
    create_user("ann")
    response = client.get("/api/v1/nothing-here", headers={"Authorization": f"Bearer {api_token('ann')}"})
    assert response.status_code == 404
    assert _error(response)["code"] == "not_found"


def test_openapi_document_describes_auth(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    assert {"/api/v1/auth/token", "/api/v1/me"} <= set(spec["paths"])
    assert spec["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"
