"""Signed bundles: the canonical form, the Ed25519 key pair, signing and verifying.

A bundle travels as an envelope `{"bundle": {...}, "signature": {...}}`. The signature covers
the canonical form of `bundle`: JSON with sorted keys, no spaces, UTF-8, money as decimal
strings (never floats), so any party that parses the envelope and serializes `bundle` again gets
the very bytes that were signed, whatever whitespace or key order the transport added.

The private key lives in a file (`flask federation keygen`, mode 0600, instance/ by default),
never in the database; the province keeps only the 32-byte public key of each kabupaten.
"""
import base64
import binascii
import hashlib
import json
import os
from decimal import Decimal
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from flask import current_app

ALGORITHM = "Ed25519"
KEY_FILE = "federation_ed25519.pem"


class KeyProblem(Exception):
    """A key that is missing, unreadable or not Ed25519 (message in Indonesian)."""


def _default(value):
    if isinstance(value, Decimal):
        return format(value, "f")
    raise TypeError(f"{type(value).__name__} is not allowed in a bundle")


def canonical(document) -> bytes:
    """The bytes that are signed: sorted keys, no spaces, UTF-8, Decimal as a string."""
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                      allow_nan=False, default=_default).encode("utf-8")


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# --- keys ------------------------------------------------------------------------------------

def key_path() -> Path:
    configured = current_app.config.get("FEDERATION_KEY")
    if configured:
        return Path(configured)
    from config import INSTANCE_DIR

    return Path(INSTANCE_DIR) / KEY_FILE


def generate_key(path: Path, *, overwrite: bool = False) -> Ed25519PrivateKey:
    """Write a new private key (PKCS#8 PEM, 0600) to `path`; refuses to replace one."""
    if path.exists() and not overwrite:
        raise KeyProblem(f"Kunci sudah ada di {path}; pakai --overwrite untuk menggantinya.")
    path.parent.mkdir(parents=True, exist_ok=True)
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption())
    # Created 0600 from the start: the key is never readable by others, not even briefly.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(pem)
    os.chmod(path, 0o600)
    return key


def load_private_key(path: Path | None = None) -> Ed25519PrivateKey:
    path = path or key_path()
    try:
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    except FileNotFoundError:
        raise KeyProblem("Kunci penandatangan belum dibuat: jalankan `flask federation keygen`."
                        ) from None
    except (ValueError, TypeError):
        raise KeyProblem(f"Berkas kunci {path} tidak dapat dibaca.") from None
    if not isinstance(key, Ed25519PrivateKey):
        raise KeyProblem(f"Berkas kunci {path} bukan kunci Ed25519.")
    return key


def public_b64(key: Ed25519PrivateKey | Ed25519PublicKey) -> str:
    """The raw 32-byte public key, base64: what the province registers."""
    public = key.public_key() if isinstance(key, Ed25519PrivateKey) else key
    raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return base64.b64encode(raw).decode()


def public_pem(key: Ed25519PrivateKey) -> str:
    return key.public_key().public_bytes(serialization.Encoding.PEM,
                                         serialization.PublicFormat.SubjectPublicKeyInfo).decode()


def parse_public_key(text: str) -> str:
    """A public key given as PEM or as base64 of the 32 raw bytes -> the base64 form; raises
    KeyProblem for anything else."""
    text = (text or "").strip()
    if text.startswith("-----BEGIN"):
        try:
            key = serialization.load_pem_public_key(text.encode())
        except (ValueError, TypeError):
            raise KeyProblem("Kunci publik PEM tidak dapat dibaca.") from None
        if not isinstance(key, Ed25519PublicKey):
            raise KeyProblem("Kunci publik bukan kunci Ed25519.")
        return public_b64(key)
    try:
        raw = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise KeyProblem("Kunci publik harus PEM atau base64 dari 32 bita.") from None
    if len(raw) != 32:
        raise KeyProblem("Kunci publik Ed25519 harus 32 bita.")
    return base64.b64encode(raw).decode()


# --- sign and verify -------------------------------------------------------------------------

def sign(payload: dict, key: Ed25519PrivateKey) -> dict:
    """The envelope: the payload and its signature over the canonical form."""
    signature = key.sign(canonical(payload))
    return {"bundle": payload, "signature": {
        "algorithm": ALGORITHM, "public_key": public_b64(key),
        "value": base64.b64encode(signature).decode()}}


def verify(envelope: dict, public_key_b64: str) -> bool:
    """True when `envelope["signature"]["value"]` signs the canonical `envelope["bundle"]`
    under the registered key (the key the envelope names is not trusted)."""
    try:
        signature = base64.b64decode(envelope["signature"]["value"], validate=True)
        public = Ed25519PublicKey.from_public_bytes(base64.b64decode(public_key_b64))
        public.verify(signature, canonical(envelope["bundle"]))
    except (InvalidSignature, KeyError, TypeError, ValueError, binascii.Error):
        return False
    return True


def encode(envelope: dict) -> bytes:
    """The envelope as sent and downloaded (canonical too: one byte form everywhere)."""
    return canonical(envelope)


__all__ = ["ALGORITHM", "KeyProblem", "canonical", "encode", "generate_key", "key_path",
           "load_private_key", "parse_public_key", "public_b64", "public_pem", "sha256", "sign",
           "verify"]
