import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import Role
from app.services.unit_of_work import after_commit, use_case


def _codes():
    return set(db.session.scalars(select(Role.code)))


def test_commits_once_and_runs_after_commit_work(ctx):
    sent = []

    @use_case
    def inner():
        db.session.add(Role(code="inner", name_zh="内", name_en="inner"))
        after_commit(lambda: sent.append("mail"))

    @use_case
    def outer():
        db.session.add(Role(code="outer", name_zh="外", name_en="outer"))
        inner()
        assert sent == []  # the inner use case joined; nothing is committed yet

    outer()
    db.session.rollback()  # only uncommitted work would vanish
    assert {"inner", "outer"} <= _codes()
    assert sent == ["mail"]


def test_failure_anywhere_rolls_back_everything(ctx):
    sent = []

    @use_case
    def inner():
        db.session.add(Role(code="inner", name_zh="内", name_en="inner"))
        after_commit(lambda: sent.append("mail"))
        raise RuntimeError("boom")

    @use_case
    def outer():
        db.session.add(Role(code="outer", name_zh="外", name_en="outer"))
        inner()

    with pytest.raises(RuntimeError):
        outer()
    assert not {"inner", "outer"} & _codes()
    assert sent == []


def test_after_commit_outside_a_use_case_is_an_error():
    with pytest.raises(RuntimeError):
        after_commit(lambda: None)
