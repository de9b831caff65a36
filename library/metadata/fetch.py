"""One careful GET for the metadata sources: http(s) only, public addresses only, bounded.

- The host is resolved once; every address it resolves to must be public (not loopback,
  private, link-local, multicast, reserved or unspecified, IPv4 or IPv6) unless
  IDL_METADATA_ALLOW_PRIVATE. The connection then goes to the address that was checked (the
  TLS handshake still verifies the certificate for the host name), so a DNS answer that changes
  between the check and the connection cannot lead it to an internal address.
- Redirects are followed by hand, at most MAX_REDIRECTS, each hop checked the same way.
- Connecting and each read time out after IDL_METADATA_TIMEOUT seconds, the whole fetch after
  twice that; the body is read in chunks and refused past IDL_METADATA_MAX_BYTES.
"""

import http.client
import ipaddress
import re
import socket
import ssl
import time
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from django.conf import settings

from .errors import NotFound, SourceUnreachable

MAX_REDIRECTS = 5
CHUNK = 64 * 1024
USER_AGENT = "IDL-Wiki/1.0 (team reading wiki; metadata lookup)"


@dataclass
class Response:
    url: str  # after redirects
    status: int
    content_type: str  # "text/html", lower case, without parameters
    body: bytes
    charset: str = ""

    def text(self):
        charset = self.charset or sniff_charset(self.body) or "utf-8"
        try:
            return self.body.decode(charset, errors="replace")
        except LookupError:  # a charset Python does not know
            return self.body.decode("utf-8", errors="replace")


def get(url, *, accept="*/*"):
    """The response to GET url (after redirects); raises SourceUnreachable or NotFound."""
    timeout = settings.IDL_METADATA_TIMEOUT
    deadline = time.monotonic() + 2 * timeout
    for _hop in range(MAX_REDIRECTS + 1):
        parts = _checked_parts(url)
        host = parts.hostname
        address = _public_address(host, parts.port or _default_port(parts.scheme))
        connection = _connection(parts, address, timeout)
        try:
            target = parts.path or "/"
            if parts.query:
                target += "?" + parts.query
            connection.request("GET", target, headers=_headers(accept))
            response = connection.getresponse()
            if 300 <= response.status < 400 and response.status != 304:
                location = response.getheader("Location")
                if not location:
                    raise NotFound(f"{host} answered with a redirect that leads nowhere.")
                url = urljoin(url, location.strip())
                continue
            _check_status(response.status, host)
            body = _read_capped(response, host, deadline)
            content_type, charset = _content_type(response.getheader("Content-Type", ""))
            return Response(
                url=url, status=response.status, content_type=content_type, body=body, charset=charset
            )
        except TimeoutError:
            raise SourceUnreachable(f"{host} did not answer in time.") from None
        except ssl.SSLError as error:
            raise SourceUnreachable(
                f"Could not open a secure connection to {host} ({error.reason})."
            ) from None
        except (ConnectionError, http.client.HTTPException, OSError) as error:
            raise SourceUnreachable(f"Could not reach {host} ({_reason(error)}).") from None
        finally:
            connection.close()
    raise SourceUnreachable(f"Too many redirects (more than {MAX_REDIRECTS}) from {urlsplit(url).hostname}.")


def _checked_parts(url):
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018  (raises ValueError on a bad port)
    except ValueError:
        raise NotFound("That is not a link that can be fetched.") from None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise NotFound("Only http(s) links can be looked up.")
    return parts


def _default_port(scheme):
    return 443 if scheme.lower() == "https" else 80


def is_public(address):
    """True for an address on the public internet (an IPv4-mapped IPv6 address is judged as IPv4)."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])  # drop an IPv6 zone ("fe80::1%eth0")
    if isinstance(ip, ipaddress.IPv6Address):
        mapped = ip.ipv4_mapped or ip.sixtofour
        if mapped is not None:
            return is_public(str(mapped))
    return not (
        ip.is_loopback
        or ip.is_private
        or ip.is_link_local
        or ip.is_multicast
        or ip.is_reserved
        or ip.is_unspecified
        or not ip.is_global  # 100.64.0.0/10 (carrier-grade NAT) and other special ranges
    )


def _public_address(host, port):
    """The address to connect to for host, after checking every address it resolves to."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        raise SourceUnreachable(f"The host {host} could not be found.") from None
    addresses = [info[4][0] for info in infos]
    if not addresses:
        raise SourceUnreachable(f"The host {host} could not be found.")
    if not settings.IDL_METADATA_ALLOW_PRIVATE:
        refused = [address for address in addresses if not is_public(address)]
        if refused:
            raise SourceUnreachable(
                f"Refused to fetch {host}: it is a local or private address ({refused[0]}), "
                "not a page on the public internet."
            )
    return addresses[0]


class _PinnedHTTPConnection(http.client.HTTPConnection):
    """Connects to the checked address, whatever the name resolves to now."""

    def __init__(self, host, port, address, timeout):
        super().__init__(host, port, timeout=timeout)
        self.address = address

    def connect(self):
        self.sock = socket.create_connection((self.address, self.port), self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, host, port, address, timeout):
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self.address = address

    def connect(self):
        sock = socket.create_connection((self.address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


def _connection(parts, address, timeout):
    port = parts.port or _default_port(parts.scheme)
    if parts.scheme.lower() == "https":
        return _PinnedHTTPSConnection(parts.hostname, port, address, timeout)
    return _PinnedHTTPConnection(parts.hostname, port, address, timeout)


def _headers(accept):
    agent = USER_AGENT
    if getattr(settings, "IDL_METADATA_MAILTO", ""):
        agent = f"{agent} (mailto:{settings.IDL_METADATA_MAILTO})"
    return {"User-Agent": agent, "Accept": accept, "Accept-Encoding": "identity", "Connection": "close"}


def _check_status(status, host):
    if status in (404, 410):
        raise NotFound(f"{host} has no such page (HTTP {status}).")
    if status >= 500:
        raise SourceUnreachable(f"{host} is having trouble (HTTP {status}); try again later.")
    if status >= 400:
        raise SourceUnreachable(f"{host} refused the request (HTTP {status}).")


def _read_capped(response, host, deadline):
    limit = settings.IDL_METADATA_MAX_BYTES
    declared = response.getheader("Content-Length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise NotFound(f"The page at {host} is too large to read ({int(declared) // 1024} KB).")
    chunks, size = [], 0
    while True:
        if time.monotonic() > deadline:
            raise SourceUnreachable(f"{host} did not answer in time.")
        chunk = response.read(CHUNK)
        if not chunk:
            return b"".join(chunks)
        size += len(chunk)
        if size > limit:
            raise NotFound(f"The page at {host} is too large to read (more than {limit // 1024} KB).")
        chunks.append(chunk)


def _content_type(header):
    kind, _, params = header.partition(";")
    match = re.search(r"charset\s*=\s*[\"']?([\w.:-]+)", params, re.IGNORECASE)
    return kind.strip().lower(), (match.group(1) if match else "")


def sniff_charset(body):
    """The charset an HTML page declares in its first bytes (<meta charset=…>), if any."""
    match = re.search(rb"<meta[^>]+charset\s*=\s*[\"']?([\w.:-]+)", body[:4096], re.IGNORECASE)
    return match.group(1).decode("ascii") if match else ""


def _reason(error):
    if isinstance(error, ConnectionRefusedError):
        return "connection refused"
    if isinstance(error, http.client.HTTPException):
        return "a malformed answer"
    return getattr(error, "strerror", None) or error.__class__.__name__
