"""Re-executing an instance from its audit log (DESIGN.md "Replay").

The recorded inputs — the start data, each completed form, every timer that
fired, every message delivered, every retry and cancel — are fed in order to
a fresh workflow on the instance's pinned version, with the clock pinned to
the moment each was recorded. Service tasks are served the results AS
RECORDED (nothing is posted again); the engine must ask for the same call,
with the same parameters, at the same step. After each command what the
engine did (calls, messages thrown, failure, end, tasks opened) is compared
with the events the command recorded, and at the end the state, data and
status with the stored instance.

The first difference makes the verdict DIVERGED at the command's input
event; a history this cannot feed (an event kind it does not know, a start
that is not recorded) is NOT_REEXECUTABLE, never VERIFIED."""
from app import clock
from app.audit.alike import TIMER_SLACK, alike
from app.audit.chain import jsonable
from app.audit.replay_records import Event, History, Snapshot, Verdict
from app.audit.replay_corrections import CORRECTIONS, CORRECTIONS_BESIDE, NotFed, feed_correction, status_beside
from app.audit.replay_migration import repeat_migration
from app.workflow.reexecution import ReplayRun, Sight, canonical_state
from app.workflow.runtime import DataRefused, TaskNotReady
from app.workflow.waits import NoPendingTimer

VERIFIED, DIVERGED, NOT_REEXECUTABLE = "VERIFIED", "DIVERGED", "NOT_REEXECUTABLE"

# Events that feed the engine (one command each) ...
INPUTS = ("instance_started", "task_completed", "timer_fired", "message_delivered", "retry", "instance_cancelled",
          "timer_fired_early", "instance_migrated", *CORRECTIONS)
# Inputs after which the engine runs no steps of its own (a data correction changes only the data).
NO_ENGINE_STEPS = ("instance_cancelled", "instance_migrated", "data_corrected")
# ... what a command's engine work records after its input ...
CONSEQUENCES = ("task_ready", "service_call", "message_thrown", "error", "instance_completed")
# ... and what people do around the engine without feeding it.
BESIDE_THE_ENGINE = ("task_claimed", "task_released", "task_delegated", "task_reassigned", "task_escalated",
                     *CORRECTIONS_BESIDE, "foreign_customer_acknowledged")


class _Stop(Exception):
    """Ends a re-execution with its verdict."""

    def __init__(self, status: str, seq: int | None, difference: str, expected=None, actual=None):
        super().__init__(difference)
        self.status, self.seq, self.difference = status, seq, difference
        self.expected, self.actual = expected, actual


class _RecordedFailure(Exception):
    """The service call failed when it was recorded; it fails again here."""


def _group(events: tuple[Event, ...]) -> list[tuple[Event, list[Event], list[Event]]]:
    """(input, its consequences, events beside the engine that follow) per
    command. Raises _Stop when the history holds what cannot be fed."""
    if not events or events[0].kind != "instance_started":
        first = events[0].seq if events else None
        raise _Stop(NOT_REEXECUTABLE, first, "The history does not begin with the instance's start.")
    groups = []
    for event in events:
        if event.kind in INPUTS:
            groups.append((event, [], []))
        elif event.kind in CONSEQUENCES:
            groups[-1][1].append(event)
        elif event.kind in BESIDE_THE_ENGINE:
            groups[-1][2].append(event)
        else:
            raise _Stop(NOT_REEXECUTABLE, event.seq, f"Event {event.seq} ({event.kind}) is not one re-execution "
                                                     "knows how to feed to the engine.")
    return groups


class Replay:
    """One re-execution; ``watch`` also collects a Snapshot per event."""

    def __init__(self, history: History, watch: bool = False):
        self.history = history
        self.watch = watch
        self.snapshots: list[Snapshot] = []
        self._path: list[str] = []
        self._sight: Sight | None = None
        self._run: ReplayRun | None = None
        self._task_ids: dict[str, str] = {}  # recorded task id -> this run's
        self._served: dict[tuple, dict] = {}
        self._calls: list[Event] = []
        self._command: Event | None = None
        self._group_events: list[Event] = []
        self._pin = None
        self._status = "running"
        self._data: dict = {}
        self._divergence: _Stop | None = None
        self._suspended_from: str | None = None
        self._retype = history.retype

    def verdict(self) -> Verdict:
        count = len(self.history.events)
        try:
            groups = _group(self.history.events)
            with clock.pinned(groups[0][0].at) as self._pin:
                for command, consequences, beside in groups:
                    self._feed(command, consequences)
                    for event in beside:
                        self._status, self._suspended_from = status_beside(event, self._status, self._suspended_from)
                        self._snap(event)
                self._compare_with_stored()
        except _Stop as stop:
            return Verdict(self.history.instance_id, stop.status, stop.seq, stop.difference, count,
                           stop.expected, stop.actual)
        except Exception as exc:  # the engine or the stored spec failed in a way nothing recorded: never VERIFIED
            seq = self._command.seq if self._command else None
            return Verdict(self.history.instance_id, NOT_REEXECUTABLE, seq,
                           f"Re-execution stopped: {type(exc).__name__}: {exc}", count)
        return Verdict(self.history.instance_id, VERIFIED, None, None, count)

    # -- one command ---------------------------------------------------------------
    def _feed(self, command: Event, consequences: list[Event]) -> None:
        self._command, self._group_events = command, consequences
        self._calls = [event for event in consequences if event.kind == "service_call"]
        self._pin.move(command.at)
        run = self._run
        if command.kind == "instance_started":
            if run is not None:
                raise _Stop(NOT_REEXECUTABLE, command.seq, "The history records a second start.")
            data = self._typed(command, None, dict((command.data or {}).get("data") or {}))
            run = self._run = ReplayRun.start(self.history.cache_key, self.history.spec, data, self._serve)
            if self.watch:
                run.watch()
        else:
            run.begin()
            self._apply_input(run, command)
        self._snap(command)
        if command.kind not in NO_ENGINE_STEPS:
            run.advance()
        outcome = run.step_outcome()
        if self._divergence is not None:
            raise self._divergence
        status_before = self._status
        self._check(command, consequences, outcome)
        self._status = status_before if command.kind == "data_corrected" else self._status  # a failed step stays failed
        self._data = outcome.data
        if self.watch:
            self._sight = run.look()
            self._path.extend(self._sight.newly_done)
        for event in consequences:
            if event.kind != "service_call":
                self._snap(event, fresh=False)

    def _apply_input(self, run: ReplayRun, command: Event) -> None:
        kind, data = command.kind, command.data or {}
        if self._status in ("completed", "cancelled"):
            self._diverge(f"The history records {kind} after the instance ended.", None, kind)
        if kind == "task_completed":
            task_id = self._task_ids.get(command.task_id or "")
            if task_id is None or not run.is_ready(task_id):
                ready = run.ready_ids(command.element_id)
                task_id = ready[0] if ready else None
            if task_id is None:
                self._diverge(f"The history completes step {command.element_id}, which the engine has not made ready.",
                              command.element_id, [info.element_id for info in run.ready_tasks()])
            typed = self._typed(command, command.element_id, dict(data))
            try:
                run.complete(task_id, typed)
            except (DataRefused, TaskNotReady) as exc:
                self._diverge(f"The engine refused the recorded form of {command.element_id}: {exc}", data, str(exc))
        elif kind == "timer_fired":
            run.fire_timers()
        elif kind == "timer_fired_early":  # a process admin fired that one timer before its time
            try:
                run.fire_timer_early(data.get("element_id") or command.element_id)
            except NoPendingTimer as exc:
                self._diverge(f"The history fires timer {command.element_id} early; {exc}", command.element_id,
                              exc.pending)
        elif kind == "message_delivered":
            payload = data.get("payload") or self.history.payloads.get(data.get("message_id"))
            if payload is None:
                raise _Stop(NOT_REEXECUTABLE, command.seq, f"The message {data.get('message_id')} delivered at event "
                                                           f"{command.seq} is no longer stored.")
            try:
                caught = run.deliver(payload)
            except DataRefused as exc:
                caught, data = False, {**data, "refused": exc.message}
            if not caught:
                self._diverge(f"The engine does not catch the message {data.get('name')!r} the history delivers.",
                              data.get("name"), sorted(run.awaited_messages()))
        elif kind == "retry":
            failed = run.failed_ids(command.element_id)
            if not failed:
                self._diverge(f"The history retries step {command.element_id}, which has not failed in the engine.",
                              command.element_id, None)
            run.retry(failed[0])
            self._status = "running"
        elif kind == "instance_cancelled":
            run.cancel()
            self._status = "cancelled"
        elif kind in CORRECTIONS:
            try:
                feed_correction(run, kind, command.element_id, data)
            except NotFed as refused:
                self._diverge(refused.message, refused.expected, refused.actual)
        elif kind == "instance_migrated":
            retype, stop = repeat_migration(run, data, self.history.versions)
            if stop is not None:
                raise _Stop(stop[0], command.seq, f"Event {command.seq}: {stop[1]}")
            self._retype = retype

    def _typed(self, command: Event, element_id: str | None, data: dict) -> dict:
        """The recorded form data with the types the engine got; the figures
        the server computes must be the ones recorded."""
        if self._retype is None:
            return data
        typed = self._retype(element_id, data)
        if typed is not data and jsonable(typed) != jsonable(data):
            self._diverge(f"Event {command.seq}: the recorded figures are not the ones its form computes from "
                          "the recorded input.", data, jsonable(typed))
        return typed

    def _serve(self, task: dict, operation: str, params: dict) -> dict:
        """The recorded result of the call the engine asks for now."""
        key = (task["task_id"], operation)
        if key in self._served:  # a call is made once per task; asked again, it answers the same
            return self._served[key]
        asked = {"element_id": task["element_id"], "operation": operation, "params": jsonable(params)}
        if not self._calls:
            if any(event.kind == "error" and event.element_id == task["element_id"] for event in self._group_events):
                raise _RecordedFailure(f"{operation} failed when it was recorded.")
            self._divergence = _Stop(DIVERGED, self._command.seq, f"At event {self._command.seq} the engine calls "
                                     f"{operation} at step {task['element_id']}; the history records no such call.",
                                     None, asked)
            raise _RecordedFailure("diverged")
        event = self._calls.pop(0)
        recorded = {"element_id": event.element_id, "operation": event.data.get("operation"),
                    "params": event.data.get("params")}
        if not alike(recorded, asked):
            self._divergence = _Stop(DIVERGED, self._command.seq, f"Event {event.seq}: the engine asks for another "
                                     "service call than the one recorded.", recorded, asked)
            raise _RecordedFailure("diverged")
        self._pin.move(event.at)
        result = event.data.get("result")
        self._served[key] = result
        if self.watch:  # the token is on the step being served (the engine runs it while it is READY)
            self._snap(event, also_active=task["element_id"])
        return result

    # -- comparisons -----------------------------------------------------------------
    def _diverge(self, difference: str, expected, actual) -> None:
        raise _Stop(DIVERGED, self._command.seq, difference, expected, actual)

    def _check(self, command: Event, consequences: list[Event], outcome) -> None:
        """What the command recorded after its input, against what the engine did (in the order it records)."""
        did = [("message_thrown", message.name, None) for message in outcome.thrown]
        if outcome.failure is not None:
            self._status = "error"
            did.append(("error", outcome.failure.element_id, None))
        elif outcome.completed and self._status != "cancelled":
            self._status = "completed"
            did.append(("instance_completed", None, None))
        elif self._status == "error":
            self._status = "running"
        opened = outcome.opened if self._status in ("running", "error") else ()
        did += [("task_ready", task.element_id, task.task_id) for task in opened]
        if self._calls:
            call = self._calls[0]
            self._diverge(f"Event {call.seq}: the history records a call to {call.data.get('operation')} at step "
                          f"{call.element_id} that the engine did not make.", call.element_id, None)
        recorded = [event for event in consequences if event.kind != "service_call"]
        for index, event in enumerate(recorded):
            name = event.data.get("name") if event.kind == "message_thrown" else event.element_id
            if index >= len(did):
                if event.kind == "error" and event.element_id is None:  # a job that failed outside the engine
                    self._status = "error"
                    continue
                self._diverge(f"Event {event.seq}: the history records {event.kind} {name or ''}".rstrip() +
                              "; the engine did nothing more.", [event.kind, name], None)
            kind, element, fresh_id = did[index]
            if (kind, element) != (event.kind, name):
                failed = f" ({outcome.failure.message})" if kind == "error" and outcome.failure else ""
                self._diverge(f"Event {event.seq}: the history records {event.kind} {name or ''}".rstrip() +
                              f"; the engine did {kind} {element or ''}".rstrip() + failed + ".", [event.kind, name],
                              [kind, element])
            if fresh_id is not None and event.task_id:
                self._task_ids[event.task_id] = fresh_id
        if len(did) > len(recorded):
            kind, element, _ = did[len(recorded)]
            failed = f" ({outcome.failure.message})" if kind == "error" and outcome.failure else ""
            self._diverge(f"After event {command.seq} the engine did {kind} {element or ''}".rstrip() + failed +
                          "; the history records nothing of it.", None, [kind, element])

    def _compare_with_stored(self) -> None:
        """The end of the history against the stored instance: status, data, state, next timer."""
        history, last = self.history, self.history.events[-1].seq

        def stop(what, expected, actual):
            raise _Stop(DIVERGED, last, f"After the last event ({last}) the stored instance's {what} differs from "
                                        "what re-execution gives.", expected, actual)

        if self._status != history.status:
            stop("status", history.status, self._status)
        data, stored = jsonable(self._data), history.data or {}
        if not alike(stored, data):
            changed = sorted(key for key in set(data) | set(stored) if not alike(stored.get(key), data.get(key)))
            stop(f"data ({', '.join(changed)})", {key: stored.get(key) for key in changed},
                 {key: data.get(key) for key in changed})
        if not alike(canonical_state(history.state), canonical_state(self._run.final_state())):
            stop("engine state (path taken, tokens or task data)", None, None)
        # a suspended instance keeps the timer it had (the worker leaves it alone until resumed)
        waiting = history.status == "running" or (history.status == "suspended" and self._suspended_from == "running")
        due = self._run.timer_due() if waiting else None
        stored = history.next_timer_at
        if (due is None) != (stored is None) or (due is not None and abs(due - stored) > TIMER_SLACK):
            stop("next timer", stored, due)

    # -- snapshots -----------------------------------------------------------------
    def all_snapshots(self) -> list[Snapshot]:
        """One snapshot per event: after a stop, the events not reached keep
        the last state re-execution reached."""
        done = {snapshot.seq for snapshot in self.snapshots}
        for event in self.history.events:
            if event.seq not in done:
                self._snap(event, fresh=False)
        return sorted(self.snapshots, key=lambda snapshot: snapshot.seq)

    def _snap(self, event: Event, fresh: bool = True, also_active: str | None = None) -> None:
        if not self.watch:
            return
        if fresh and self._run is not None and (event.kind in INPUTS or event.kind == "service_call"):
            self._sight = self._run.look()
            self._path.extend(self._sight.newly_done)
        sight = self._sight
        active = sight.active if sight else ()
        if also_active and also_active not in active:
            active = (*active, also_active)
        self.snapshots.append(Snapshot(
            event.seq, event.at, event.kind, event.element_id, event.task_id, event.actor, event.on_behalf_of,
            dict(event.data or {}), active, tuple(self._path), jsonable(sight.data) if sight else {}))
