"""Making a ledger action refuse once, to reach a flow's refusal branch."""
from app import actions


def refuse_once(monkeypatch, operation, code="period_closed", message="December is being closed; try again later."):
    """The action ``operation`` answers a business-rule refusal the first
    time it is called, then works; returns the list of the parameters it
    was called with."""
    original = actions._REGISTRY[operation]
    calls = []

    def refusing(call, **params):
        calls.append(params)
        if len(calls) == 1:
            raise actions.BusinessRuleViolation(code, message)
        return original(call, **params)

    monkeypatch.setitem(actions._REGISTRY, operation, refusing)
    return calls
