"""All tables, imported here so Alembic and ``db.create_all`` see every one."""
from app.models.api_token import ApiToken
from app.models.audit import AuditEvent
from app.models.customer import Customer
from app.models.human_task import HumanTask, TaskStatus
from app.models.messaging import MessageSubscription, ProcessMessage, ServiceCall
from app.models.organisation import Delegation, Level, Role, User, user_role
from app.models.process import DeployedFile, InstanceStatus, ProcessDefinition, ProcessInstance

__all__ = [
    "ApiToken", "AuditEvent", "Customer", "Delegation", "DeployedFile", "HumanTask", "InstanceStatus", "Level", "MessageSubscription",
    "ProcessDefinition", "ProcessInstance", "ProcessMessage", "Role", "ServiceCall", "TaskStatus", "User", "user_role",
]
