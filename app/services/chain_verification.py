"""Verifying the hash-chained audit log (``flask audit verify``): which
chains to check and each one's verdict. Reads only."""
from app.audit.chain import chain_names
from app.audit.verify import ChainVerdict, instance_chain, verify_chain


def chains_to_verify(instance_id: int | None = None) -> list[str]:
    """The chain of one instance, or every chain (instances, deploys, the
    ledger's writes) when ``instance_id`` is None, oldest first."""
    return chain_names() if instance_id is None else [instance_chain(instance_id)]


def verify(chain: str) -> ChainVerdict:
    """The verdict on one chain: ok, or the first event that does not fit and why."""
    return verify_chain(chain)
