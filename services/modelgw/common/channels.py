"""gRPC client channels to other modelgw services and to workers, plaintext or TLS.

A gRPC channel keeps the credentials it was built with for its whole life, and
its reconnects reuse them: after cert-manager rotates this service's client
certificate (or the CA), an old channel would go on presenting the old one
until it expires. `ReloadingChannel` is a channel that watches its files and,
when they change, sends new calls over a channel built from the new files,
while the old channel finishes the calls it carries and is then closed.
Stubs bind to it once, as to any channel.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence
from types import TracebackType
from typing import Any, Generic, Self, TypeVar

import grpc

from modelgw.common.config.tls import ClientTls
from modelgw.common.tls import CertificateError, FileWatch, read_certificates, read_key_pair

log = logging.getLogger(__name__)

RETIRE_GRACE_S = 900.0
"""How long a replaced channel may finish its calls (long streamed answers) before it closes."""

Options = Sequence[tuple[str, Any]]
Req = TypeVar("Req")
Resp = TypeVar("Resp")
Serializer = Callable[[Req], bytes]
Deserializer = Callable[[bytes], Resp]


def channel_credentials(tls: ClientTls) -> grpc.ChannelCredentials:
    """Read the files now: CA (or the system roots) and, for mutual TLS, the client pair."""
    roots = read_certificates(tls.ca_file, "CA") if tls.ca_file else None
    if tls.cert_file and tls.key_file:
        pair = read_key_pair(tls.cert_file, tls.key_file)
        return grpc.ssl_channel_credentials(roots, pair.key, pair.chain)
    return grpc.ssl_channel_credentials(roots)


def channel_options(tls: ClientTls | None) -> list[tuple[str, Any]]:
    """Channel options TLS needs: the name to check the server's certificate against."""
    if tls is not None and tls.server_name:
        return [("grpc.ssl_target_name_override", tls.server_name)]
    return []


def open_channel(
    address: str,
    tls: ClientTls | None,
    *,
    options: Options = (),
    interceptors: Sequence[grpc.aio.ClientInterceptor] | None = None,
) -> grpc.aio.Channel:
    """A channel to `address`: plaintext without `tls`, otherwise one that follows its files."""
    if tls is None:
        return grpc.aio.insecure_channel(address, options=options, interceptors=interceptors)
    return ReloadingChannel(address, tls, options=options, interceptors=interceptors)


class ReloadingChannel(grpc.aio.Channel):
    """A TLS channel whose new calls always use the current certificate files."""

    def __init__(
        self,
        address: str,
        tls: ClientTls,
        *,
        options: Options = (),
        interceptors: Sequence[grpc.aio.ClientInterceptor] | None = None,
    ) -> None:
        self._address = address
        self._tls = tls
        self._options = [*options, *channel_options(tls)]
        self._interceptors = interceptors
        files = [f for f in (tls.ca_file, tls.cert_file, tls.key_file) if f]
        self._watch = FileWatch(files)
        self._current = self._build()  # a broken file fails here, at start
        self._retired: list[grpc.aio.Channel] = []
        self._closing: set[asyncio.Task[None]] = set()

    def _build(self) -> grpc.aio.Channel:
        return grpc.aio.secure_channel(
            self._address,
            channel_credentials(self._tls),
            options=self._options,
            interceptors=self._interceptors,
        )

    def current(self) -> grpc.aio.Channel:
        """The channel for a new call, rebuilt first if the files changed since the last look."""
        if self._watch.changed():
            try:
                fresh = self._build()
            except CertificateError as exc:
                log.warning(
                    "%s: TLS files changed but cannot be used, keeping the old ones: %s",
                    self._address,
                    exc,
                )
            else:
                log.info("%s: TLS files changed; new calls use a new channel", self._address)
                self._retire(self._current)
                self._current = fresh
        return self._current

    def _retire(self, old: grpc.aio.Channel) -> None:
        """Close `old` once its calls are done (or after RETIRE_GRACE_S), else at `close`."""
        self._retired.append(old)
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:  # looked at outside a loop: `close` takes care of it
            return
        task = loop.create_task(old.close(RETIRE_GRACE_S))
        self._closing.add(task)
        task.add_done_callback(self._closing.discard)
        task.add_done_callback(lambda _: self._retired.remove(old))

    # -- grpc.aio.Channel ------------------------------------------------------------------
    async def close(self, grace: float | None = None) -> None:
        await asyncio.gather(
            *(channel.close(grace) for channel in [*self._retired, self._current]),
            return_exceptions=True,
        )

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc_val: BaseException | None,
        exc_tb: TracebackType | None,
    ) -> None:
        await self.close()

    def get_state(self, try_to_connect: bool = False) -> grpc.ChannelConnectivity:
        return self.current().get_state(try_to_connect)

    async def wait_for_state_change(self, last_observed_state: grpc.ChannelConnectivity) -> None:
        await self.current().wait_for_state_change(last_observed_state)

    async def channel_ready(self) -> None:
        await self.current().channel_ready()

    # Stubs call these once, at construction; each call then finds the current channel.
    # `extra` carries what grpc's own channels accept besides (`_registered_method`).
    def unary_unary(
        self,
        method: str,
        request_serializer: Serializer[Req] | None = None,
        response_deserializer: Deserializer[Resp] | None = None,
        **extra: Any,
    ) -> grpc.aio.UnaryUnaryMultiCallable[Req, Resp]:
        return _UnaryUnary(
            self, "unary_unary", method, request_serializer, response_deserializer, extra
        )

    def unary_stream(
        self,
        method: str,
        request_serializer: Serializer[Req] | None = None,
        response_deserializer: Deserializer[Resp] | None = None,
        **extra: Any,
    ) -> grpc.aio.UnaryStreamMultiCallable[Req, Resp]:
        return _UnaryStream(
            self, "unary_stream", method, request_serializer, response_deserializer, extra
        )

    def stream_unary(
        self,
        method: str,
        request_serializer: Serializer[Req] | None = None,
        response_deserializer: Deserializer[Resp] | None = None,
        **extra: Any,
    ) -> grpc.aio.StreamUnaryMultiCallable[Req, Resp]:
        return _StreamUnary(
            self, "stream_unary", method, request_serializer, response_deserializer, extra
        )

    def stream_stream(
        self,
        method: str,
        request_serializer: Serializer[Req] | None = None,
        response_deserializer: Deserializer[Resp] | None = None,
        **extra: Any,
    ) -> grpc.aio.StreamStreamMultiCallable[Req, Resp]:
        return _StreamStream(
            self, "stream_stream", method, request_serializer, response_deserializer, extra
        )


class _Switching(Generic[Req, Resp]):
    """A method of a `ReloadingChannel`: each call goes to the owner's current channel."""

    def __init__(
        self,
        owner: ReloadingChannel,
        kind: str,
        method: str,
        serializer: Serializer[Req] | None,
        deserializer: Deserializer[Resp] | None,
        extra: dict[str, Any],
    ) -> None:
        self._owner = owner
        self._kind = kind
        self._arguments = (method, serializer, deserializer)
        self._extra = extra
        self._for: grpc.aio.Channel | None = None
        self._callable: Any = None

    def _target(self) -> Any:
        channel = self._owner.current()
        if channel is not self._for:
            make = getattr(channel, self._kind)
            self._callable, self._for = make(*self._arguments, **self._extra), channel
        return self._callable


class _UnaryUnary(_Switching[Req, Resp], grpc.aio.UnaryUnaryMultiCallable[Req, Resp]):
    def __call__(self, *args: Any, **kwargs: Any) -> grpc.aio.UnaryUnaryCall[Req, Resp]:
        call: grpc.aio.UnaryUnaryCall[Req, Resp] = self._target()(*args, **kwargs)
        return call


class _UnaryStream(_Switching[Req, Resp], grpc.aio.UnaryStreamMultiCallable[Req, Resp]):
    def __call__(self, *args: Any, **kwargs: Any) -> grpc.aio.UnaryStreamCall[Req, Resp]:
        call: grpc.aio.UnaryStreamCall[Req, Resp] = self._target()(*args, **kwargs)
        return call


class _StreamUnary(_Switching[Req, Resp], grpc.aio.StreamUnaryMultiCallable[Req, Resp]):
    def __call__(self, *args: Any, **kwargs: Any) -> grpc.aio.StreamUnaryCall[Req, Resp]:
        call: grpc.aio.StreamUnaryCall[Req, Resp] = self._target()(*args, **kwargs)
        return call


class _StreamStream(_Switching[Req, Resp], grpc.aio.StreamStreamMultiCallable[Req, Resp]):
    def __call__(self, *args: Any, **kwargs: Any) -> grpc.aio.StreamStreamCall[Req, Resp]:
        call: grpc.aio.StreamStreamCall[Req, Resp] = self._target()(*args, **kwargs)
        return call
