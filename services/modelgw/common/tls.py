"""Certificates from files, re-read when they change, for gRPC and HTTP listeners.

cert-manager renews a certificate well before it expires and the kubelet swaps
the mounted files in place (atomically: all of a Secret's files change
together). A listener must pick the new files up without a restart, and a
half-written or mismatched pair must never replace a working one. So:

- `FileWatch` notices a change by `stat` (inode, size, mtime), at most once a
  second, on the path of a new connection: no background task, no inotify.
- `read_key_pair` reads a certificate and its key and checks that they belong
  together before anything uses them; a bad pair is logged and the old one
  kept, and it is tried again on the next change.
- gRPC listeners use `grpc.dynamic_ssl_server_credentials`, whose fetcher gRPC
  calls before every handshake; the HTTP listener gets an `ssl.SSLContext`
  whose SNI callback (run in every handshake, SNI sent or not) switches the
  connection to a context built from the current files.

Client channels are in `modelgw.common.channels`.
"""

from __future__ import annotations

import logging
import os
import ssl
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass

import grpc
from cryptography import x509
from cryptography.hazmat.primitives import serialization

from modelgw.common.config.secrets import SecretResolutionError
from modelgw.common.config.tls import ServerTls

log = logging.getLogger(__name__)

CHECK_INTERVAL_S = 1.0
"""Least time between two looks at the files; rotation is picked up within it."""


class CertificateError(SecretResolutionError):
    """A certificate, key or CA file cannot be used. The message names the file and why."""


def read_pem(path: str, what: str) -> bytes:
    try:
        with open(path, "rb") as file:
            data = file.read()
    except OSError as exc:
        raise CertificateError(f"{what} {path}: cannot read: {exc.strerror}") from None
    if b"-----BEGIN " not in data:
        raise CertificateError(f"{what} {path}: not a PEM file")
    return data


def read_certificates(path: str, what: str) -> bytes:
    """A PEM bundle of one or more certificates (a chain or a CA bundle), checked."""
    data = read_pem(path, what)
    try:
        x509.load_pem_x509_certificates(data)
    except ValueError as exc:
        raise CertificateError(f"{what} {path}: not a PEM certificate: {exc}") from None
    return data


@dataclass(frozen=True, slots=True)
class KeyPair:
    """A certificate chain and its private key, as PEM, known to belong together."""

    chain: bytes
    key: bytes


def read_key_pair(cert_file: str, key_file: str) -> KeyPair:
    chain = read_certificates(cert_file, "certificate")
    key = read_pem(key_file, "private key")
    try:
        private = serialization.load_pem_private_key(key, password=None)
    except TypeError:
        raise CertificateError(
            f"private key {key_file}: encrypted; modelgw needs an unencrypted key"
        ) from None
    except ValueError as exc:
        raise CertificateError(f"private key {key_file}: not a PEM private key: {exc}") from None
    leaf = x509.load_pem_x509_certificates(chain)[0]
    raw = serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    if leaf.public_key().public_bytes(*raw) != private.public_key().public_bytes(*raw):
        raise CertificateError(
            f"private key {key_file} does not belong to the certificate {cert_file}"
        )
    return KeyPair(chain, key)


class FileWatch:
    """Says whether any of some files changed since the last look (thread-safe)."""

    def __init__(self, paths: Sequence[str], interval_s: float = CHECK_INTERVAL_S) -> None:
        self._paths = tuple(paths)
        self._interval_s = interval_s
        self._lock = threading.Lock()
        self._seen = self._stat()
        self._next_look = time.monotonic() + interval_s

    def _stat(self) -> tuple[tuple[int, int, int, int] | None, ...]:
        seen: list[tuple[int, int, int, int] | None] = []
        for path in self._paths:
            try:
                st = os.stat(path)
            except OSError:
                seen.append(None)  # mid-swap or gone: a change, tried again on the next one
            else:
                seen.append((st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns))
        return tuple(seen)

    def changed(self) -> bool:
        now = time.monotonic()
        with self._lock:
            if now < self._next_look:
                return False
            self._next_look = now + self._interval_s
            seen = self._stat()
            if seen == self._seen:
                return False
            self._seen = seen
            return True


def _server_files(tls: ServerTls) -> list[str]:
    return [tls.cert_file, tls.key_file, *([tls.client_ca_file] if tls.client_ca_file else [])]


# -- gRPC listeners ------------------------------------------------------------------------
def _grpc_configuration(tls: ServerTls) -> grpc.ServerCertificateConfiguration:
    pair = read_key_pair(tls.cert_file, tls.key_file)
    roots = read_certificates(tls.client_ca_file, "client CA") if tls.client_ca_file else None
    return grpc.ssl_server_certificate_configuration([(pair.key, pair.chain)], roots)


def grpc_server_credentials(tls: ServerTls) -> grpc.ServerCredentials:
    """Credentials for `add_secure_port` that serve the files' current certificate."""
    watch = FileWatch(_server_files(tls))

    def fetch() -> grpc.ServerCertificateConfiguration | None:
        if not watch.changed():
            return None
        try:
            configuration = _grpc_configuration(tls)
        except CertificateError as exc:
            log.warning("TLS files changed but cannot be used, keeping the old ones: %s", exc)
            return None
        log.info("TLS certificate %s reloaded", tls.cert_file)
        return configuration

    return grpc.dynamic_ssl_server_credentials(
        _grpc_configuration(tls),
        fetch,  # type: ignore[arg-type]  # None means "no change" (grpc's docs); the stub omits it
        require_client_authentication=tls.require_client_cert,
    )


# -- the HTTP listener ---------------------------------------------------------------------
def _ssl_context(tls: ServerTls) -> ssl.SSLContext:
    read_key_pair(tls.cert_file, tls.key_file)  # clear errors before OpenSSL's terse ones
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.set_alpn_protocols(["http/1.1"])
    try:
        context.load_cert_chain(tls.cert_file, tls.key_file)
        if tls.client_ca_file:
            context.load_verify_locations(
                cadata=read_certificates(tls.client_ca_file, "client CA").decode()
            )
    except ssl.SSLError as exc:
        raise CertificateError(f"certificate {tls.cert_file}: {exc.reason or exc}") from None
    if tls.require_client_cert:
        context.verify_mode = ssl.CERT_REQUIRED
    elif tls.client_ca_file:
        context.verify_mode = ssl.CERT_OPTIONAL
    return context


class ReloadingSSLContext:
    """A server `ssl.SSLContext` (`context`) whose handshakes use the files' current state.

    The listening socket keeps one context for its life; its SNI callback hands each
    new connection the newest context built from the files (certificate, key and
    client CA alike), so a rotated CA also takes effect without a restart.
    """

    def __init__(self, tls: ServerTls) -> None:
        self._tls = tls
        self._watch = FileWatch(_server_files(tls))
        self._current = _ssl_context(tls)
        self.context = _ssl_context(tls)
        self.context.sni_callback = self._on_hello

    def _on_hello(
        self, connection: ssl.SSLObject | ssl.SSLSocket, _name: str | None, _ctx: ssl.SSLContext
    ) -> None:
        if self._watch.changed():
            try:
                self._current = _ssl_context(self._tls)
            except CertificateError as exc:
                log.warning("TLS files changed but cannot be used, keeping the old ones: %s", exc)
            else:
                log.info("TLS certificate %s reloaded", self._tls.cert_file)
        connection.context = self._current
