"""All tables, imported here so Alembic and ``db.create_all`` see every one."""
from app.models.api_token import ApiToken
from app.models.organisation import Delegation, Level, Role, User, user_role

__all__ = ["ApiToken", "Delegation", "Level", "Role", "User", "user_role"]
