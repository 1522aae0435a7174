"""POST and DELETE /auth/token, GET /me."""
from flask import request
from marshmallow import Schema, fields

from app.api import bearer_token, current_user
from app.api.parsing import ApiBlueprint, Text
from app.services import accounts

blp = ApiBlueprint("api_auth", __name__, description="Authentication")


class TokenRequestSchema(Schema):
    username = Text(required=True)
    password = Text(required=True, load_only=True)


class TokenSchema(Schema):
    token = fields.String(required=True)
    expires_at = fields.DateTime(required=True)


class MeSchema(Schema):
    username = fields.String(required=True)
    display_name = fields.String(required=True)
    roles = fields.List(fields.String(), required=True)


@blp.post("/auth/token")
@blp.doc(security=[])  # the one operation without a token
@blp.arguments(TokenRequestSchema)
@blp.response(201, TokenSchema)
def create_token(body):
    """Exchange a username and password for a bearer token. After repeated
    failures for the account or from the address: 429 with Retry-After."""
    token, expires_at = accounts.issue_token(body["username"], body["password"], request.remote_addr)
    return {"token": token, "expires_at": expires_at}


@blp.delete("/auth/token")
@blp.response(204)
@blp.doc(security=[{"bearerAuth": []}])
def revoke_token():
    """Revoke the token this request is sent with: it opens nothing afterwards."""
    accounts.revoke_token(bearer_token())


class PasswordChangeSchema(Schema):
    current_password = Text(required=True, load_only=True)
    new_password = Text(required=True, load_only=True)


@blp.post("/auth/password")
@blp.arguments(PasswordChangeSchema)
@blp.response(204)
@blp.doc(security=[{"bearerAuth": []}])
def change_password(body):
    """Change your password: every web session and every other token of yours ends;
    the token sent keeps working. 422 names ``current_password`` or ``new_password``; a wrong
    current password counts toward the sign-in pause (429 with Retry-After)."""
    accounts.change_password(current_user(), body["current_password"], body["new_password"],
                             address=request.remote_addr, keep_token=bearer_token())


@blp.get("/me")
@blp.response(200, MeSchema)
@blp.doc(security=[{"bearerAuth": []}])
def me():
    """Who the token belongs to."""
    user = current_user()
    return {"username": user.username, "display_name": user.display_name, "roles": user.role_codes}
