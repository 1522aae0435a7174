"""Re-execution of an ``instance_migrated`` event: the fresh workflow is
moved the way the recorded migration moved the instance, to the recorded
version (its content hash checked) with the recorded mapping; no engine
steps run, as none ran when it was recorded."""


def repeat_migration(run, data: dict, versions):
    """(the retyper of the version moved to, None) when the move repeats;
    (None, (verdict status, what went wrong)) when it cannot be repeated.
    ``versions(to)`` gives (cache key, spec, retyper) or None (app/services/replay.py)."""
    target = versions(data.get("to") or {}) if versions else None
    if target is None:
        return None, ("NOT_REEXECUTABLE", "the version the instance was moved to is not stored with the content "
                                          "its migration recorded.")
    cache_key, spec, retype = target
    check = run.move_to(cache_key, spec, dict(data.get("mapping") or {}))
    if not check.movable:
        return None, ("DIVERGED", f"the engine cannot move the instance the way it was moved: "
                                  f"{check.obstacles[0].detail}")
    return retype, None
