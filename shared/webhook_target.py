"""Where a webhook may be sent: the SSRF policy, checked at submit and again at delivery.

Outside development only https to public addresses is allowed. The host is resolved once and every
address it resolves to must be public (not loopback, private, link-local, CGNAT, multicast, reserved
or a cloud metadata address, in IPv4 or IPv6, however it is written: `127.1`, `0x7f000001`,
`2130706433`, `[::ffff:127.0.0.1]` all reach the same checks); the delivery then connects to that
checked address, so a DNS answer that changes between check and connect (rebinding) cannot redirect it.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

CGNAT = ipaddress.ip_network("100.64.0.0/10")
METADATA = frozenset(
    ipaddress.ip_address(a) for a in ("169.254.169.254", "169.254.170.2", "fd00:ec2::254", "fd00:ec2::23")
)
NAT64 = ipaddress.ip_network("64:ff9b::/96")


class WebhookRefused(ValueError):
    """The URL may not receive webhooks; the message says why, in words for the user."""


@dataclass(frozen=True)
class WebhookPolicy:
    """`allow_private` (development only) also lets plain http and loopback/private receivers through."""

    allow_private: bool

    @classmethod
    def for_env(cls, env: str, *, allow_private: bool | None = None) -> WebhookPolicy:
        return cls(allow_private=env == "dev" if allow_private is None else allow_private)


@dataclass(frozen=True)
class WebhookTarget:
    """A checked URL: the host as written (Host header, TLS name) and the address to connect to."""

    url: str
    scheme: str
    host: str
    port: int
    address: str

    def connect_url(self) -> str:
        """The URL with the checked address in place of the host name (no second resolution)."""
        parts = urlsplit(self.url)
        literal = f"[{self.address}]" if ":" in self.address else self.address
        path = parts.path or "/"
        query = f"?{parts.query}" if parts.query else ""
        return f"{self.scheme}://{literal}:{self.port}{path}{query}"

    def host_header(self) -> str:
        default = 443 if self.scheme == "https" else 80
        literal = f"[{self.host}]" if ":" in self.host else self.host
        return literal if self.port == default else f"{literal}:{self.port}"


def embedded_ipv4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 one carries (mapped, compatible, 6to4, Teredo, NAT64), if any."""
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if address.teredo is not None:
        return address.teredo[1]
    if address in NAT64:
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    if int(address) >> 32 == 0 and int(address) > 1:  # deprecated IPv4-compatible ::a.b.c.d
        return ipaddress.IPv4Address(int(address))
    return None


def refusal_for(address: IPAddress) -> str | None:
    """Why this address may not receive a webhook, or None when it is a public unicast address."""
    if isinstance(address, ipaddress.IPv6Address) and (inner := embedded_ipv4(address)) is not None:
        return refusal_for(inner)
    if address in METADATA:
        return "a cloud metadata address"
    if address.is_loopback:
        return "a loopback address"
    if address.is_link_local:
        return "a link-local address"
    if address.is_multicast:
        return "a multicast address"
    if isinstance(address, ipaddress.IPv4Address) and address in CGNAT:
        return "a shared (CGNAT) address"
    if address.is_private or address.is_unspecified or address.is_reserved or not address.is_global:
        return "a private or reserved address"
    return None


def _split(url: str, policy: WebhookPolicy) -> tuple[str, str, int]:
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise WebhookRefused("is not a valid URL") from exc
    scheme = parts.scheme.lower()
    if scheme not in {"http", "https"} or not parts.hostname:
        raise WebhookRefused("must be an http(s) URL with a host")
    if scheme != "https" and not policy.allow_private:
        raise WebhookRefused("must use https")
    if parts.username or parts.password:
        raise WebhookRefused("must not carry credentials")
    return scheme, parts.hostname, port or (443 if scheme == "https" else 80)


async def resolve(host: str, port: int) -> list[IPAddress]:
    """Every address the host resolves to (numeric forms such as `127.1` or `0x7f000001` included)."""
    loop = asyncio.get_running_loop()
    try:
        infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise WebhookRefused("has a host that does not resolve") from exc
    return [ipaddress.ip_address(str(info[4][0]).split("%")[0]) for info in infos]


async def check_at_submit(url: str, policy: WebhookPolicy) -> None:
    """Refuses at submit what delivery would refuse; in development anything http(s) with a host passes."""
    _split(url, policy)
    if not policy.allow_private:
        await check_webhook_url(url, policy)


async def check_webhook_url(url: str, policy: WebhookPolicy) -> WebhookTarget:
    """The target to connect to, or `WebhookRefused` saying why this URL may not receive webhooks."""
    scheme, host, port = _split(url, policy)
    addresses = await resolve(host, port)
    if not addresses:
        raise WebhookRefused("has a host that does not resolve")
    if not policy.allow_private:
        for address in addresses:
            if (why := refusal_for(address)) is not None:
                raise WebhookRefused(f"resolves to {why}")
    return WebhookTarget(url=url, scheme=scheme, host=host, port=port, address=str(addresses[0]))
