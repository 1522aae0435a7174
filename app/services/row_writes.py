"""One loaded row's changes written at once through Core: an instance
command changes two rows the ORM holds (the task it completes, the instance
it saves), and the unit of work's flush of each (its bookkeeping, its sort,
its events) cost more CPU than the UPDATE it sends. Nothing here commits.

The object ends as a flush leaves it: every written column is its stored
value, nothing is pending, the version counter moved on. Only column
changes and many-to-one relationships set to another loaded object are
written; a row the ORM must guard (a posted record, whose flush refuses
changes) or anything else pending on the object goes through the flush."""
import functools
from dataclasses import dataclass

from sqlalchemy import bindparam, inspect
from sqlalchemy.orm import MANYTOONE
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.exc import StaleDataError

from app.extensions import db
from app.models.posted import Posted


@dataclass(frozen=True)
class _Shape:
    """What save_now needs to know of a mapped class, worked out once."""
    columns: frozenset  # column attribute keys
    many_to_one: dict  # relationship key -> (its key attribute, the related class's attribute it copies)
    under: dict  # key attribute -> the relationships it is the key of


@functools.cache
def _shape(mapper) -> _Shape:
    many_to_one, under = {}, {}
    for relationship in mapper.relationships:
        if relationship.direction is not MANYTOONE:
            continue
        pairs = relationship.local_remote_pairs
        if len(pairs) == 1:
            local, remote = pairs[0]
            many_to_one[relationship.key] = (mapper.get_property_by_column(local).key,
                                              relationship.mapper.get_property_by_column(remote).key)
        for local, _ in pairs:
            under.setdefault(mapper.get_property_by_column(local).key, []).append(relationship.key)
    return _Shape(frozenset(prop.key for prop in mapper.column_attrs), many_to_one,
                  {key: tuple(keys) for key, keys in under.items()})


@functools.lru_cache(maxsize=256)
def _update(mapper, keys: tuple):
    """UPDATE of ``keys`` of one row, by primary key (and version counter),
    built once per shape: parameters, not values, so it is compiled once."""
    table = mapper.local_table
    where = [column == bindparam(f"pk_{n}") for n, column in enumerate(mapper.primary_key)]
    if mapper.version_id_col is not None:
        where.append(mapper.version_id_col == bindparam("version_was"))
    return table.update().where(*where).values({mapper.get_property(key).columns[0]: bindparam(key) for key in keys})


def _changes(state, shape: _Shape) -> tuple[dict, dict, set] | None:
    """(column values, many-to-ones set, loaded many-to-ones whose key
    changed under them) of what was set since the row was loaded; None when
    something only the flush writes was (a collection, a composite key, an
    object not inserted yet)."""
    values, related, stale = {}, {}, set()
    for key in state.committed_state:
        history = state.attrs[key].history
        if not history.has_changes():
            continue  # set to the value it had
        if key in shape.columns:
            values[key] = history.added[0] if history.added else None
        elif key in shape.many_to_one and len(history.added) <= 1:
            other = history.added[0] if history.added else None
            local, remote = shape.many_to_one[key]
            value = None if other is None else getattr(other, remote)
            if other is not None and value is None:
                return None
            related[key], values[local] = other, value
        else:
            return None
    for key in list(values):
        stale.update(rel for rel in shape.under.get(key, ()) if rel not in related and rel not in state.unloaded)
    return values, related, stale


def save_now(obj) -> None:
    """Write ``obj``'s changed columns in one UPDATE now (checking and moving
    on its version counter, as the flush does) and mark them stored; an
    object that has nothing to write sends nothing. Raises StaleDataError
    (the row changed or went since it was read)."""
    state = inspect(obj)
    mapper = state.mapper
    found = _changes(state, _shape(mapper)) if state.persistent and not isinstance(obj, Posted) else None
    if found is None:
        db.session.flush()
        return
    values, related, stale = found
    if values:
        params = {**values, **{f"pk_{n}": value for n, value in enumerate(state.identity)}}
        version = mapper.version_id_col
        if version is not None:
            version_key = mapper.get_property_by_column(version).key
            params["version_was"] = state.committed_state.get(version_key, getattr(obj, version_key))
            values[version_key] = params[version_key] = params["version_was"] + 1
        if db.session.connection().execute(_update(mapper, tuple(sorted(values))), params).rowcount != 1:
            raise StaleDataError(f"{mapper.class_.__name__} {state.identity} changed or went since it was read.")
        for key, value in values.items():
            set_committed_value(obj, key, value)
        for key, other in related.items():
            set_committed_value(obj, key, other)
        if stale:
            db.session.expire(obj, sorted(stale))
    _settled(state)


def _settled(state) -> None:
    """Take an object with nothing left to write off the session's dirty
    list, as a flush does: left there (an attribute set to the value it
    had keeps it listed), the next flush would run the whole unit of work
    to find nothing. SQLAlchemy's own call for it: its public
    set_committed_value leaves the object listed."""
    if state.modified and not any(state.attrs[key].history.has_changes() for key in state.committed_state):
        state._commit_all(state.dict, db.session.identity_map)
