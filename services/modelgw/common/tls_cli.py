"""The `--tls-*` options of commands that call a modelgw port (`health`, `audit query`...)."""

from __future__ import annotations

import argparse
import os

from pydantic import ValidationError

from modelgw.common.config.tls import ClientTls


def add_client_tls_arguments(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("TLS (any of these turns it on)")
    group.add_argument("--tls", action="store_true", help="TLS, checked against the system CAs")
    group.add_argument(
        "--tls-ca-file", help="CA bundle the server's certificate is checked against"
    )
    group.add_argument("--tls-cert-file", help="client certificate, for mutual TLS")
    group.add_argument("--tls-key-file", help="private key of --tls-cert-file")
    group.add_argument("--tls-server-name", help="name the server's certificate must carry")


def client_tls_from_args(args: argparse.Namespace) -> ClientTls | None:
    """The TLS the options ask for, or None (plaintext) when none is given."""
    files = {
        "ca_file": args.tls_ca_file,
        "cert_file": args.tls_cert_file,
        "key_file": args.tls_key_file,
    }
    if not (args.tls or args.tls_server_name or any(files.values())):
        return None
    try:
        return ClientTls(
            **{k: os.path.abspath(v) for k, v in files.items() if v},
            server_name=args.tls_server_name,
        )
    except ValidationError as exc:
        reasons = "; ".join(str(e["msg"]).removeprefix("Value error, ") for e in exc.errors())
        raise SystemExit(f"--tls options: {reasons}") from None
