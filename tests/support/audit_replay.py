"""Shared by the replay page's tests: the F01 world signed in through the
web (``sales``, ``customer_code`` fixtures), an event's number and one
panel of the rendered page."""
import re

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import AuditEvent, Customer


@pytest.fixture
def sales(web, flow, master_data):
    """The demo organisation and master data, the real diagrams, signed-in users."""
    return flow


@pytest.fixture
def customer_code(sales):
    def find(name):
        return db.session.scalar(select(Customer.code).where(Customer.name == name))

    return find


def seq_of(instance, kind, element_id=None) -> int:
    """The number of the first event of ``kind`` (at ``element_id``) in the instance's chain."""
    query = select(AuditEvent.seq).where(AuditEvent.chain == f"instance:{instance.id}", AuditEvent.kind == kind)
    if element_id:
        query = query.where(AuditEvent.element_id == element_id)
    return db.session.scalar(query.order_by(AuditEvent.seq))


def panel(html: str, css: str) -> str:
    """The inner HTML of the page's ``section.card.<css>`` (asserts there is one)."""
    match = re.search(rf'<section class="card {css}"[^>]*>(.*?)</section>', html, re.S)
    assert match, css
    return match.group(1)
