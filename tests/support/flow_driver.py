"""Instances started and tasks completed through the service layer, and the
id of a ready task for the pages that show it."""


class FlowDriver:
    """Drives instances through the service layer, as people would."""

    def __init__(self, find_user):
        self.user = find_user

    def start(self, key, data, as_user, business_key=None):
        from app.services import instances

        return instances.start_instance(key, data, self.user(as_user), business_key=business_key)

    def ready(self, instance):
        from app.extensions import db
        from app.models import HumanTask, TaskStatus

        return list(db.session.scalars(db.select(HumanTask).where(
            HumanTask.instance_id == instance.id, HumanTask.status == TaskStatus.ready).order_by(HumanTask.id)))

    def ready_elements(self, instance):
        return [task.element_id for task in self.ready(instance)]

    def task(self, instance, element_id):
        matching = [task for task in self.ready(instance) if task.element_id == element_id]
        assert matching, f"{element_id} is not ready; ready: {self.ready_elements(instance)}"
        return matching[0]

    def complete(self, instance, element_id, as_user, data):
        from app.services import tasks

        return tasks.complete_task(self.task(instance, element_id).id, self.user(as_user), data)

    def approve(self, instance, element_id, as_user, comment="同意"):
        return self.complete(instance, element_id, as_user, {"decision": "approve", "comment": comment})

    def reject(self, instance, element_id, as_user, comment="请补充说明"):
        return self.complete(instance, element_id, as_user, {"decision": "reject", "comment": comment})


def ready_task_id(instance_id, element_id):
    """The id of the READY human task ``element_id`` of an instance (None if none)."""
    from app.extensions import db
    from app.models import HumanTask, TaskStatus

    return db.session.scalar(db.select(HumanTask.id).where(
        HumanTask.instance_id == instance_id, HumanTask.element_id == element_id, HumanTask.status == TaskStatus.ready))
