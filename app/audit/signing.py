"""Signing checkpoints with Ed25519 (``cryptography``). The private key is a
PEM file outside the database; whoever rewrites the database cannot sign.
Nothing here touches the database, so a verifier can use it alone."""
import hashlib
import json
import os
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

STATEMENT_FORMAT = "lanes-audit-checkpoint/1"
SIGNED_FIELDS = ("format", "at", "high_water", "leaf_count", "root", "key_fingerprint")


class KeyProblem(Exception):
    """A key file that is missing, unreadable or not an Ed25519 key."""


def write_new_key(path: Path) -> Path:
    """Write a new private key to ``path`` (mode 0600). Raises KeyProblem
    when the file exists already (a key is never overwritten)."""
    path = Path(path)
    if path.exists():
        raise KeyProblem(f"{path} exists already; a signing key is never overwritten.")
    path.parent.mkdir(parents=True, exist_ok=True)
    pem = Ed25519PrivateKey.generate().private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                                     serialization.NoEncryption())
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(pem)
    return path


def load_private_key(path: Path) -> Ed25519PrivateKey:
    """Raises KeyProblem for a missing or unusable key file."""
    try:
        key = serialization.load_pem_private_key(Path(path).read_bytes(), password=None)
    except (OSError, ValueError, TypeError) as exc:
        raise KeyProblem(f"cannot read the signing key {path}: {exc}") from exc
    if not isinstance(key, Ed25519PrivateKey):
        raise KeyProblem(f"{path} is not an Ed25519 private key")
    return key


def public_pem(private_key: Ed25519PrivateKey) -> str:
    return private_key.public_key().public_bytes(serialization.Encoding.PEM,
                                                 serialization.PublicFormat.SubjectPublicKeyInfo).decode()


def load_public_key(pem: str) -> Ed25519PublicKey:
    """Raises KeyProblem for text that is not an Ed25519 public key."""
    try:
        key = serialization.load_pem_public_key(pem.encode() if isinstance(pem, str) else pem)
    except (ValueError, TypeError) as exc:
        raise KeyProblem(f"not a public key: {exc}") from exc
    if not isinstance(key, Ed25519PublicKey):
        raise KeyProblem("not an Ed25519 public key")
    return key


def fingerprint(pem: str) -> str:
    """sha256 of the raw 32-byte public key. Raises KeyProblem."""
    raw = load_public_key(pem).public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()


def statement(fields: dict) -> bytes:
    """The bytes a checkpoint's signature covers. Raises KeyError for a missing field."""
    body = {name: fields[name] for name in SIGNED_FIELDS}
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def sign(private_key: Ed25519PrivateKey, fields: dict) -> str:
    return private_key.sign(statement(fields)).hex()


def signature_valid(public_key_pem: str, fields: dict, signature: str) -> bool:
    """True when ``signature`` (hex) over ``fields`` verifies under the key.
    Raises KeyProblem for an unusable key."""
    key = load_public_key(public_key_pem)
    try:
        key.verify(bytes.fromhex(signature), statement(fields))
    except (InvalidSignature, ValueError, TypeError, KeyError):
        return False
    return True
