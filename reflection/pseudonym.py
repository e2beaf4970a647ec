"""Stable pseudonyms for chat sender ids, so raw ids never reach our tables."""

import hashlib
import hmac


def pseudonymize(sender_id: str, secret: str) -> str:
    """Return the HMAC-SHA256 of `sender_id` keyed by `secret`, as 64 hex characters."""
    if not secret:
        # Without a secret the pseudonym is a plain hash, which anyone can recompute from a known id.
        raise ValueError("A non-empty pseudonym secret is required.")
    return hmac.new(secret.encode("utf-8"), sender_id.encode("utf-8"), hashlib.sha256).hexdigest()
