"""One loaded row's changes written at once through Core: an instance
command changes two rows the ORM holds (the task it completes, the instance
it saves), and the unit of work's flush of each (its bookkeeping, its sort,
its events) cost more CPU than the UPDATE it sends. Nothing here commits.

The object ends as a flush leaves it: every written column is its stored
value, nothing is pending, the version counter moved on. Only column
changes and many-to-one relationships set to another loaded object are
written; a row the ORM must guard (a posted record, whose flush refuses
changes) or anything else pending on the object goes through the flush."""
from sqlalchemy import inspect
from sqlalchemy.orm import MANYTOONE
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.exc import StaleDataError

from app.extensions import db
from app.models.posted import Posted


def _related_keys(state, mapper) -> tuple[dict, dict, set] | None:
    """(column values, relationships set, relationships to expire) of the
    many-to-one relationships; None when one changed in a way only the
    flush writes (several objects, a composite key)."""
    values, related, stale = {}, {}, set()
    for relationship in mapper.relationships:
        if relationship.direction is not MANYTOONE:
            continue
        history = state.attrs[relationship.key].history
        pairs = relationship.local_remote_pairs
        local_keys = {mapper.get_property_by_column(local).key for local, _ in pairs}
        if history.added or history.deleted:
            if len(pairs) != 1 or len(history.added) > 1:
                return None
            local, remote = pairs[0]
            other = history.added[0] if history.added else None
            value = None if other is None else getattr(other, inspect(other).mapper.get_property_by_column(remote).key)
            if other is not None and value is None:
                return None  # a new object without its key yet: the flush inserts it first
            values[mapper.get_property_by_column(local).key] = value
            related[relationship.key] = other
        elif any(state.attrs[key].history.added for key in local_keys) and relationship.key not in state.unloaded:
            stale.add(relationship.key)  # its key changed under a loaded value: read again when asked
    return values, related, stale


def save_now(obj) -> None:
    """Write ``obj``'s changed columns in one UPDATE now (checking and moving
    on its version counter, as the flush does) and mark them stored; an
    object that has nothing to write sends nothing. Raises StaleDataError
    (the row changed or went since it was read)."""
    state = inspect(obj)
    mapper = state.mapper
    found = _related_keys(state, mapper) if state.persistent and not isinstance(obj, Posted) else None
    if found is None:
        db.session.flush()
        return
    values, related, stale = found
    for prop in mapper.column_attrs:
        added = state.attrs[prop.key].history.added
        if added and prop.key not in values:
            values[prop.key] = added[0]
    if not values:
        _settled(state)
        return
    table = mapper.local_table
    version = mapper.version_id_col
    columns = {mapper.get_property(key).columns[0].name: value for key, value in values.items()}
    where = [column == state.identity[n] for n, column in enumerate(mapper.primary_key)]
    if version is not None:
        version_key = mapper.get_property_by_column(version).key
        current = state.committed_state.get(version_key, getattr(obj, version_key))
        where.append(version == current)
        columns[version.name] = values[version_key] = current + 1
    if db.session.connection().execute(table.update().where(*where).values(columns)).rowcount != 1:
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
