"""TLS on modelgw's listeners and channels: who gets in, and rotation without a restart.

Each test makes a throwaway CA (tests/tls_certs.py) and files laid out as
cert-manager mounts them; "rotation" rewrites those files in place, as the
kubelet does when cert-manager renews a certificate.
"""

from __future__ import annotations

import asyncio
import logging
import socket
import ssl
from collections.abc import AsyncIterator
from pathlib import Path

import grpc
import httpx
import pytest
from cryptography import x509
from grpc_health.v1 import health_pb2
from starlette.types import Receive, Scope, Send

from modelgw.common.channels import ReloadingChannel, channel_credentials
from modelgw.common.config.tls import ClientTls, ServerTls
from modelgw.common.grpc_server import GrpcServer, start_server
from modelgw.common.health import health_stub
from modelgw.common.tls import CHECK_INTERVAL_S
from modelgw.gateway.http.server import start_http_server
from tests.ports import free_port
from tests.tls_certs import Authority, Issued

ROTATION_WAIT_S = CHECK_INTERVAL_S * 1.5


def _mtls(server: Issued, ca: Path) -> ServerTls:
    return ServerTls(
        cert_file=str(server.cert),
        key_file=str(server.key),
        client_ca_file=str(ca),
        require_client_cert=True,
    )


def _client(issued: Issued | None, ca: Path) -> ClientTls:
    if issued is None:
        return ClientTls(ca_file=str(ca))
    return ClientTls(ca_file=str(ca), cert_file=str(issued.cert), key_file=str(issued.key))


async def _check(channel: grpc.aio.Channel) -> int:
    reply = await health_stub(channel).Check(health_pb2.HealthCheckRequest(), timeout=5)
    return reply.status


async def _refused(channel: grpc.aio.Channel) -> grpc.StatusCode:
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await _check(channel)
    return caught.value.code()


async def _served_serial(port: int, client: Issued, ca: Path, alpn: str) -> int:
    """The serial of the certificate a listener presents to a new connection now."""
    # In a thread: the HTTP listener runs on this test's event loop.
    return await asyncio.to_thread(_handshake_serial, port, client, ca, alpn)


def _handshake_serial(port: int, client: Issued, ca: Path, alpn: str) -> int:
    context = ssl.create_default_context(cafile=str(ca))
    context.load_cert_chain(client.cert, client.key)
    context.set_alpn_protocols([alpn])
    with (
        socket.create_connection(("127.0.0.1", port), timeout=5) as raw,
        context.wrap_socket(raw, server_hostname="localhost") as tls,
    ):
        der = tls.getpeercert(binary_form=True)
    assert der is not None
    return x509.load_der_x509_certificate(der).serial_number


@pytest.fixture
async def mtls_server(tmp_path: Path) -> AsyncIterator[tuple[GrpcServer, Authority, Issued]]:
    ca = Authority(tmp_path / "ca")
    served = ca.issue("server")
    server = await start_server([], f"127.0.0.1:{free_port()}", tls=_mtls(served, ca.ca_file))
    try:
        yield server, ca, served
    finally:
        await server.stop(0)


async def test_grpc_mtls_lets_in_only_clients_with_a_certificate_from_the_ca(
    tmp_path: Path, mtls_server: tuple[GrpcServer, Authority, Issued]
) -> None:
    server, ca, _ = mtls_server
    address = f"127.0.0.1:{server.port}"
    client = ca.issue("gateway", ("gateway",))
    stranger_ca = Authority(tmp_path / "stranger")
    stranger = stranger_ca.issue("gateway", ("gateway",))

    async with grpc.aio.secure_channel(
        address, channel_credentials(_client(client, ca.ca_file))
    ) as channel:
        assert await _check(channel) == health_pb2.HealthCheckResponse.SERVING
    async with grpc.aio.secure_channel(
        address, channel_credentials(_client(None, ca.ca_file))
    ) as channel:
        assert await _refused(channel) == grpc.StatusCode.UNAVAILABLE
    # A certificate from another CA, the server trusted explicitly: still refused.
    tls = ClientTls(
        ca_file=str(ca.ca_file), cert_file=str(stranger.cert), key_file=str(stranger.key)
    )
    async with grpc.aio.secure_channel(address, channel_credentials(tls)) as channel:
        assert await _refused(channel) == grpc.StatusCode.UNAVAILABLE
    async with grpc.aio.insecure_channel(address) as channel:
        assert await _refused(channel) == grpc.StatusCode.UNAVAILABLE


async def test_grpc_listener_serves_a_rotated_certificate_without_restart(
    mtls_server: tuple[GrpcServer, Authority, Issued], caplog: pytest.LogCaptureFixture
) -> None:
    server, ca, served = mtls_server
    client = ca.issue("client", ("gateway",))
    before = served.serial
    assert await _served_serial(server.port, client, ca.ca_file, "h2") == before

    # A half-done rotation (new certificate, old key) is refused and the old pair kept.
    old_key = served.key.read_bytes()
    rotated = ca.issue(served.directory)
    rotated_key = rotated.key.read_bytes()
    rotated.key.write_bytes(old_key)
    await asyncio.sleep(ROTATION_WAIT_S)
    with caplog.at_level(logging.WARNING, logger="modelgw.common.tls"):
        assert await _served_serial(server.port, client, ca.ca_file, "h2") == before
    assert "does not belong to the certificate" in caplog.text

    rotated.key.write_bytes(rotated_key)  # the rest of the rotation lands
    await asyncio.sleep(ROTATION_WAIT_S)
    after = await _served_serial(server.port, client, ca.ca_file, "h2")
    assert after == rotated.serial != before
    async with grpc.aio.secure_channel(
        f"127.0.0.1:{server.port}", channel_credentials(_client(client, ca.ca_file))
    ) as channel:
        assert await _check(channel) == health_pb2.HealthCheckResponse.SERVING


async def test_grpc_listener_follows_a_rotated_client_ca(tmp_path: Path) -> None:
    """A new CA in `client_ca_file` admits its clients and shuts out the old CA's."""
    old_ca, new_ca = Authority(tmp_path / "old"), Authority(tmp_path / "new", "new CA")
    served = old_ca.issue(tmp_path / "server")
    client_ca = tmp_path / "client-ca.crt"
    client_ca.write_bytes(old_ca.pem)
    server = await start_server([], f"127.0.0.1:{free_port()}", tls=_mtls(served, client_ca))
    address = f"127.0.0.1:{server.port}"
    try:
        old_client, new_client = old_ca.issue("c-old"), new_ca.issue("c-new")
        client_ca.write_bytes(new_ca.pem)
        await asyncio.sleep(ROTATION_WAIT_S)
        async with grpc.aio.secure_channel(
            address, channel_credentials(_client(new_client, old_ca.ca_file))
        ) as channel:
            assert await _check(channel) == health_pb2.HealthCheckResponse.SERVING
        async with grpc.aio.secure_channel(
            address, channel_credentials(_client(old_client, old_ca.ca_file))
        ) as channel:
            assert await _refused(channel) == grpc.StatusCode.UNAVAILABLE
    finally:
        await server.stop(0)


async def test_plaintext_health_port_serves_probes_and_nothing_else(tmp_path: Path) -> None:
    ca = Authority(tmp_path / "ca")
    served = ca.issue("server")
    probe = f"127.0.0.1:{free_port()}"
    server = await start_server(
        [], f"127.0.0.1:{free_port()}", tls=_mtls(served, ca.ca_file), health_address=probe
    )
    try:
        async with grpc.aio.insecure_channel(probe) as channel:
            assert await _check(channel) == health_pb2.HealthCheckResponse.SERVING
            reflection: grpc.aio.UnaryStreamMultiCallable[bytes, bytes] = channel.unary_stream(
                "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo"
            )
            with pytest.raises(grpc.aio.AioRpcError) as caught:
                async for _ in reflection(b""):
                    pass
            assert caught.value.code() == grpc.StatusCode.UNIMPLEMENTED
        await server.health.enter_graceful_shutdown()
        async with grpc.aio.insecure_channel(probe) as channel:
            assert await _check(channel) == health_pb2.HealthCheckResponse.NOT_SERVING
    finally:
        await server.stop(0)


async def test_reloading_channel_presents_its_rotated_certificate_on_reconnect(
    tmp_path: Path,
) -> None:
    """The client side of a rotation: after the server moves to a new CA (and restarts,
    dropping connections), only a channel that re-read its files gets back in."""
    old_ca, new_ca = Authority(tmp_path / "old"), Authority(tmp_path / "new", "new CA")
    mounted = old_ca.issue(tmp_path / "gateway", ("gateway",))  # the client's own files
    port = free_port()
    address = f"127.0.0.1:{port}"
    server = await start_server([], address, tls=_mtls(old_ca.issue("server"), old_ca.ca_file))
    reloading = ReloadingChannel(address, _client(mounted, mounted.ca))
    frozen = grpc.aio.secure_channel(address, channel_credentials(_client(mounted, mounted.ca)))
    try:
        assert await _check(reloading) == health_pb2.HealthCheckResponse.SERVING
        assert await _check(frozen) == health_pb2.HealthCheckResponse.SERVING
        await server.stop(0)
        new_ca.issue(mounted.directory, ("gateway",))  # cert-manager re-issues under the new CA
        server = await start_server([], address, tls=_mtls(new_ca.issue("server"), new_ca.ca_file))
        await asyncio.sleep(ROTATION_WAIT_S)
        assert await _check(reloading) == health_pb2.HealthCheckResponse.SERVING
        assert await _refused(frozen) == grpc.StatusCode.UNAVAILABLE
    finally:
        await reloading.close()
        await frozen.close()
        await server.stop(0)


# -- HTTP ------------------------------------------------------------------------------------
async def _hello(scope: Scope, receive: Receive, send: Send) -> None:
    assert scope["type"] == "http"
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": b"ok"})


def _https_client(ca: Path, issued: Issued | None) -> httpx.AsyncClient:
    context = ssl.create_default_context(cafile=str(ca))
    if issued is not None:
        context.load_cert_chain(issued.cert, issued.key)
    return httpx.AsyncClient(verify=context, timeout=5)


async def test_http_listener_mtls_refusals_and_rotation_without_restart(tmp_path: Path) -> None:
    ca = Authority(tmp_path / "ca")
    served = ca.issue("server")
    port = free_port()
    server = await start_http_server(_hello, f"127.0.0.1:{port}", _mtls(served, ca.ca_file))
    url = f"https://localhost:{port}/"
    client = ca.issue("client", ("gateway",))
    try:
        async with _https_client(ca.ca_file, client) as http:
            assert (await http.get(url)).text == "ok"
        async with _https_client(ca.ca_file, None) as http:
            with pytest.raises(httpx.HTTPError):
                await http.get(url)
        async with httpx.AsyncClient(timeout=5) as plain:
            with pytest.raises(httpx.HTTPError):
                await plain.get(f"http://127.0.0.1:{port}/")

        before = served.serial
        assert await _served_serial(port, client, ca.ca_file, "http/1.1") == before
        rotated = ca.issue(served.directory)
        await asyncio.sleep(ROTATION_WAIT_S)
        assert (
            await _served_serial(port, client, ca.ca_file, "http/1.1") == rotated.serial != before
        )
        async with _https_client(ca.ca_file, client) as http:
            assert (await http.get(url)).text == "ok"
    finally:
        await server.stop(0)
