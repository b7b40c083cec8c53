"""The Ed25519 key that signs audit checkpoints, and the signed message's exact bytes.

The private key is a PEM file in the data directory, made with mode 0600 on first use; it never
enters the database. Its public half is stored in `audit_keys` under a key id (the first 16 hex
digits of SHA-256 over the raw public key), so a checkpoint can be verified on another machine,
and `accord audit export-key` prints it for auditors to pin.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from accord.audit.settings import signing_key_path


@dataclass(frozen=True)
class SigningKey:
    private: Ed25519PrivateKey
    path: Path

    @property
    def public_raw(self) -> bytes:
        return self.private.public_key().public_bytes(
            serialization.Encoding.Raw, serialization.PublicFormat.Raw
        )

    @property
    def key_id(self) -> str:
        return key_id(self.public_raw)

    def public_pem(self) -> str:
        return (
            self.private.public_key()
            .public_bytes(
                serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
            )
            .decode("ascii")
        )

    def sign(self, message: bytes) -> bytes:
        return self.private.sign(message)


def key_id(public_raw: bytes) -> str:
    """The id of a public key: SHA-256 of its 32 raw bytes, hex, first 16 digits."""
    return hashlib.sha256(public_raw).hexdigest()[:16]


def load_or_create(path: Path | None = None) -> SigningKey:
    """The installation's signing key, made (mode 0600) if there is none yet.

    Two processes starting at once both try an exclusive create; the loser reads the winner's
    file, so there is only ever one key per data directory.
    """
    path = path or signing_key_path()
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fresh = Ed25519PrivateKey.generate()
        pem = fresh.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass
        else:
            with os.fdopen(fd, "wb") as fp:
                fp.write(pem)
            return SigningKey(fresh, path)
    loaded = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(loaded, Ed25519PrivateKey):
        raise ValueError(f"{path} does not hold an Ed25519 private key")
    return SigningKey(loaded, path)


def checkpoint_message(position: int, chain_hash: str, signed_at: datetime, kid: str) -> bytes:
    """The bytes a checkpoint's signature covers: one line per field, times in UTC."""
    when = signed_at.astimezone(UTC).isoformat(timespec="microseconds")
    return f"accord-audit-checkpoint/v1\n{position}\n{chain_hash}\n{when}\n{kid}\n".encode()


def verify_signature(public_raw_hex: str, signature_hex: str, message: bytes) -> bool:
    """Whether `signature_hex` is the key's Ed25519 signature of `message`."""
    try:
        public = Ed25519PublicKey.from_public_bytes(bytes.fromhex(public_raw_hex))
        public.verify(bytes.fromhex(signature_hex), message)
    except (InvalidSignature, ValueError):
        return False
    return True


def public_raw_from_pem(pem: bytes) -> bytes:
    """The raw 32 bytes of an Ed25519 public key given as PEM (as `export-key` prints it)."""
    loaded = serialization.load_pem_public_key(pem)
    if not isinstance(loaded, Ed25519PublicKey):
        raise ValueError("not an Ed25519 public key")
    return loaded.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
