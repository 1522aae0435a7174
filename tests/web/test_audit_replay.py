"""The replay page (/audit/instances/<id>/replay): auditors and process
admins step through any instance's events; everyone else is refused. The
server renders the selected event (``?seq=``, ``?as_of=``): the data as of
it, what changed, the form as its performer filled it, who acted under what
authority, and the files the data refers to with their SHA-256."""
import hashlib
import re

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import AuditEvent
from tests.support.audit_replay import customer_code, panel, sales, seq_of  # noqa: F401  (fixtures, helpers)
from tests.support.contract_shipment import REP, approve_contract
from tests.support.contract_shipment import contract  # noqa: F401  (a fixture)

CONTRACT_PDF = b"%PDF-1.4 signed contract"


@pytest.fixture
def approved(sales, contract):
    """An F01 contract submitted by rep_east1 (with its signed PDF) and approved by the reviewer and the director."""
    instance = sales.start("contract_shipment", contract(), REP, business_key="HT-REPLAY-1")
    approve_contract(sales, instance)
    return instance


def test_auditor_and_process_admin_replay_others_are_refused(web, approved):
    url = f"/audit/instances/{approved.id}/replay"
    for who in ("auditor", "process_admin"):
        page = web(who).page(url)
        assert 'id="replay-diagram"' in page and f'/instances/{approved.id}/diagram.bpmn' in page
    for who in ("rep_east1", "director", "rep_south1"):  # the starter, an approver, an outsider
        assert web(who).get(url).status_code == 403, who
        assert web(who).get(url + ".json").status_code == 403, who


def test_instance_page_links_to_the_replay_only_for_those_who_may(web, approved):
    assert f'href="/audit/instances/{approved.id}/replay"' in web("auditor").page(f"/instances/{approved.id}")
    assert "/replay" not in web("rep_east1").page(f"/instances/{approved.id}")


def test_seq_selects_the_event_and_the_director_form_shows_what_he_submitted(web, approved):
    seq = seq_of(approved, "task_completed", "Task_DirectorApproval")
    page = web("auditor").page(f"/audit/instances/{approved.id}/replay?seq={seq}")
    assert f'data-seq="{seq}" data-kind="task_completed"' in page
    assert 'aria-current="step"' in page and f'value="{seq}"' in page
    moment = panel(page, "moment")
    assert "刘营销总监" in moment and "销售总监" in moment  # the director and his role
    seen = panel(page, "form-as-seen")
    assert '<fieldset disabled class="as-seen">' in seen and 'data-decision="approve"' in seen  # what he chose
    assert 'data-shows="contract_amount"' in page and "¥100,000.00" in page  # what the approver saw
    assert "MTR001" in page and "contract.pdf" in page


def test_as_of_jumps_to_the_last_event_at_or_before_it(web, approved, frozen_clock):
    events = list(db.session.scalars(select(AuditEvent).where(AuditEvent.chain == f"instance:{approved.id}")
                                     .order_by(AuditEvent.seq)))
    # the frozen clock stands still: every event shares one instant, so the last one is chosen
    local = events[0].at.astimezone(__import__("zoneinfo").ZoneInfo("Asia/Shanghai")).strftime("%Y-%m-%dT%H:%M")
    page = web("auditor").page(f"/audit/instances/{approved.id}/replay?as_of={local}")
    assert f'data-seq="{events[-1].seq}"' in page
    earlier = web("auditor").page(f"/audit/instances/{approved.id}/replay?as_of=2020-01-01T00:00")
    assert f'data-seq="{events[0].seq}"' in earlier  # before the request: its first event


def test_bad_seq_and_as_of_are_refused_not_500(web, approved):
    auditor = web("auditor")
    for query in ("seq=0", "seq=abc", "seq=99999", "as_of=yesterday", "seq=-1"):
        response = auditor.get(f"/audit/instances/{approved.id}/replay?{query}")
        assert 400 <= response.status_code < 500, (query, response.status_code)
    assert auditor.get("/audit/instances/999999/replay").status_code == 404


def test_attachments_are_listed_with_their_hash_and_open_for_an_auditor(web, approved):
    seq = seq_of(approved, "instance_started")
    page = web("auditor").page(f"/audit/instances/{approved.id}/replay?seq={seq}")
    files = panel(page, "files")
    digest = hashlib.sha256(CONTRACT_PDF).hexdigest()
    assert "contract.pdf" in files and digest in files and "与哈希一致" in files  # the stored file still hashes so
    assert f"/instances/{approved.id}/attachments/{digest}" in files
    download = web("auditor").get(f"/instances/{approved.id}/attachments/{digest}")  # never touched this request
    body = download.data
    download.close()
    assert download.status_code == 200 and body == CONTRACT_PDF
    assert web("rep_south1").get(f"/instances/{approved.id}/attachments/{digest}").status_code == 403


def test_roles_are_those_held_at_the_event_not_now(web, approved, frozen_clock):
    from app.models import User
    from app.services.access_history import set_roles

    director = db.session.scalar(select(User).where(User.username == "director"))
    frozen_clock.advance(days=30)
    set_roles(director, ["marketing"], by="admin", reason="moved to marketing")  # after he approved
    seq = seq_of(approved, "task_completed", "Task_DirectorApproval")
    moment = panel(web("auditor").page(f"/audit/instances/{approved.id}/replay?seq={seq}"), "moment")
    assert "当时所任角色" in moment
    roles = re.search(r'<dd class="roles">(.*?)</dd>', moment, re.S).group(1)
    assert "销售总监" in roles and "市场" not in roles, roles


def test_the_re_execution_button_posts_from_the_replay_page_and_verifies(web, approved):
    url = f"/audit/instances/{approved.id}/replay"
    page = web("auditor").page(url)
    assert f'action="/audit/instances/{approved.id}/reexecute"' in page and "重新执行验证" in page
    assert "全新引擎" in page  # the states are re-lived, not only read from the record
    verdict = web("auditor").post(f"/audit/instances/{approved.id}/reexecute?partial=1", token_from=url)
    assert verdict.status_code == 200 and 'data-status="VERIFIED"' in verdict.get_data(as_text=True)
