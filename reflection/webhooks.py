"""Clinic webhooks: which addresses may be called, and how each request is signed.

Webhook addresses must be public ``https://`` URLs; private, loopback and link-local addresses are refused
(at start-up for literal addresses, and after resolving the name before every request), unless
``ALLOW_PRIVATE_WEBHOOKS`` is set for local testing. Each request is signed: ``X-Reflection-Signature`` is
``sha256=`` + hex HMAC-SHA256(clinic secret, ``<timestamp>.<body>``), with the Unix timestamp in
``X-Reflection-Timestamp``, so a receiver can check both who sent it and that it is fresh (docs/SAFETY.md).
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

SIGNATURE_HEADER = "X-Reflection-Signature"
TIMESTAMP_HEADER = "X-Reflection-Timestamp"


class WebhookAddressError(ValueError):
    """A webhook URL that must not be called; the message says why."""


@dataclass(frozen=True)
class WebhookTarget:
    url: str
    secret: str


def check_webhook_url(url: str, *, allow_private: bool, resolve: bool = True) -> None:
    """Raise WebhookAddressError unless `url` is a webhook we may call.

    https:// only, and every address the host resolves to must be public. With ``allow_private`` (local
    testing), http:// and private addresses pass too."""
    parts = urlsplit(url)
    allowed_schemes = ("https", "http") if allow_private else ("https",)
    if parts.scheme not in allowed_schemes or not parts.hostname:
        raise WebhookAddressError("A webhook URL must start with https:// and name a host.")
    if allow_private:
        return
    addresses = _literal_address(parts.hostname)
    if addresses is None and resolve:
        try:
            infos = socket.getaddrinfo(parts.hostname, parts.port or 443, proto=socket.IPPROTO_TCP)
        except OSError as error:
            raise WebhookAddressError(f"The webhook host {parts.hostname} could not be resolved.") from error
        addresses = [ipaddress.ip_address(info[4][0]) for info in infos]
    for address in addresses or []:
        if not address.is_global:
            raise WebhookAddressError(
                f"The webhook host {parts.hostname} is a private, loopback or link-local address."
            )


def _literal_address(host: str) -> list[ipaddress.IPv4Address | ipaddress.IPv6Address] | None:
    try:
        return [ipaddress.ip_address(host.strip("[]"))]
    except ValueError:
        return None


def signature(secret: str, timestamp: str, body: bytes) -> str:
    """The value of the signature header for this timestamp and exact request body."""
    signed = timestamp.encode("ascii") + b"." + body
    return "sha256=" + hmac.new(secret.encode("utf-8"), signed, hashlib.sha256).hexdigest()


