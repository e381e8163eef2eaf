"""TLS settings of listeners and of the channels between services.

Certificates are named by file path, not by secret reference: they are files
that cert-manager (or any PKI) mounts and rotates in place, and modelgw
re-reads them when they change, so the path is what stays fixed. The layout
cert-manager writes into a Secret (`tls.crt`, `tls.key`, `ca.crt`) is what the
examples use. Files are read when a component starts: a missing or broken one
fails the start with the key and the path named.
"""

from __future__ import annotations

from pathlib import PurePosixPath
from typing import Annotated, Self

from pydantic import AfterValidator, model_validator

from modelgw.common.config.base import StrictModel


def _absolute(value: str) -> str:
    if not PurePosixPath(value).is_absolute():
        raise ValueError(
            "must be an absolute path to a PEM file (e.g. /run/secrets/modelgw/tls/tls.crt)"
        )
    return value


PemPath = Annotated[str, AfterValidator(_absolute)]
"""Absolute path of a PEM file: a certificate chain, a private key or a CA bundle."""


class ServerTls(StrictModel):
    """TLS on a listener; with `require_client_cert`, mutual TLS."""

    cert_file: PemPath
    """Certificate chain the listener presents, leaf first (cert-manager's `tls.crt`).
    Re-read when it changes: new connections get the new certificate without a restart."""
    key_file: PemPath
    """Unencrypted private key of `cert_file` (cert-manager's `tls.key`)."""
    client_ca_file: PemPath | None = None
    """CA bundle client certificates are checked against (cert-manager's `ca.crt`). Without
    `require_client_cert` a client may still connect without one."""
    require_client_cert: bool = False
    """Refuse every client that does not present a certificate signed by `client_ca_file`
    (mutual TLS). The services' internal token is still checked on top."""

    @model_validator(mode="after")
    def _ca_for_client_certs(self) -> Self:
        if self.require_client_cert and not self.client_ca_file:
            raise ValueError(
                "require_client_cert needs client_ca_file: the CA that signs the clients' "
                "certificates"
            )
        return self


class ClientTls(StrictModel):
    """How a client reaches a TLS listener; with `cert_file` and `key_file`, mutual TLS.

    An empty table means TLS checked against the system's root CAs, no client certificate.
    """

    ca_file: PemPath | None = None
    """CA bundle the server's certificate is checked against (cert-manager's `ca.crt`); the
    system's root CAs when empty."""
    cert_file: PemPath | None = None
    """This client's certificate chain, for servers that require one (mutual TLS)."""
    key_file: PemPath | None = None
    """Unencrypted private key of `cert_file`."""
    server_name: str | None = None
    """Name the server's certificate must carry, when it is not the host of the address
    (servers dialled by IP address, such as vLLM workers found through DNS)."""

    @model_validator(mode="after")
    def _pair(self) -> Self:
        if (self.cert_file is None) != (self.key_file is None):
            raise ValueError("cert_file and key_file go together: set both or neither")
        if self.server_name is not None and not self.server_name.strip():
            raise ValueError("server_name must not be blank; leave it out to use the address")
        return self

    @property
    def presents_certificate(self) -> bool:
        return self.cert_file is not None
