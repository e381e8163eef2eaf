"""`modelgw`: run the gateway and its services, check config, make API keys."""

from __future__ import annotations

import argparse
import gc
import logging
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from modelgw.audit.cli import add_audit_commands
from modelgw.common import event_loop
from modelgw.common.api_keys import hash_api_key, new_api_key
from modelgw.common.config import ConfigError, ModelgwConfig, load_config
from modelgw.common.config.defaults import (
    DEV_KEY_ENV,
    dev_api_key,
    embedded_config,
    embedded_control_url,
)
from modelgw.common.config.schema import is_loopback_address
from modelgw.common.config.secrets import SecretResolutionError
from modelgw.common.config.tls import ServerTls
from modelgw.common.tls_cli import add_client_tls_arguments
from modelgw.control.cli import add_control_commands, add_tenant_commands
from modelgw.control.keys_cli import add_key_commands

log = logging.getLogger("modelgw")

SERVICES = ("gateway", "trust", "audit", "control")


def _say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


async def serve_plan(
    config: ModelgwConfig,
    plan: list[tuple[str, str]],
    http_address: str | None = None,
    *,
    reuse_port: bool = False,
    ready: Callable[[], object] | None = None,
) -> None:
    """Start the planned (service, address) pairs; services on one address share a server.

    With `http_address`, the OpenAI-compatible HTTP front door serves the same
    pipeline as the gRPC Gateway in this loop, and stops with it on SIGTERM.
    `reuse_port`: other gateway processes listen on the same ports (`server.processes`);
    `ready` is called once everything listens.
    """
    # Imported here, not at the top: they pull in Presidio, spaCy and SQLAlchemy,
    # which commands such as `keys new` or `config check` must not wait for.
    from modelgw.common.grpc_server import (
        ServiceBinding,
        Stoppable,
        serve_until_signalled,
        start_server,
    )
    from modelgw.common.logs import configure_logging
    from modelgw.common.metrics import build_metrics
    from modelgw.common.metrics_http import metrics_app
    from modelgw.common.telemetry import build_tracer_provider, install_tracer_provider
    from modelgw.gateway.http.server import start_http_server
    from modelgw.runtime import Assembly

    configure_logging(logging.getLevelName(logging.getLogger().level), config.logging)
    service = "+".join(s for s, _ in plan)
    provider = build_tracer_provider(config.telemetry, service=service)
    install_tracer_provider(provider)
    metrics = build_metrics(config.telemetry, config.metrics, service)
    assembly = Assembly(config, metrics=metrics)
    servers: list[Stoppable] = []
    try:
        if config.metrics.listen and metrics.exposition is not None:
            listen = config.metrics.listen
            servers.append(await start_http_server(metrics_app(metrics.exposition), listen))
            _say(f"modelgw: Prometheus metrics on http://{listen}/metrics")
        by_address: dict[str, list[ServiceBinding]] = {}
        for service, address in plan:
            if service == "gateway":
                binding = await assembly.gateway()
            elif service == "audit":
                binding = await assembly.audit()
            elif service == "trust":
                binding = assembly.trust()
            else:
                binding = await assembly.control()
            by_address.setdefault(address, []).append(binding)
        health_address = config.server.health_address
        for address, bindings in by_address.items():
            tls = listener_tls(config, [s for s, a in plan if a == address])
            server = await start_server(
                bindings,
                address,
                max_message_bytes=config.server.max_message_bytes,
                tls=tls,
                health_address=health_address,
                reuse_port=reuse_port,
            )
            servers.append(server)
            names = ", ".join(b.full_name.rsplit(".", 1)[-1] for b in bindings)
            _say(f"modelgw: {names} listening on {address}{' (TLS)' if tls else ''}")
            if health_address:
                _say(f"modelgw: gRPC health (plaintext, probes only) on {health_address}")
                health_address = None  # one probe port per process
        if http_address:
            tls = config.server.tls
            app = await assembly.http_app()
            servers.append(
                await start_http_server(app, http_address, tls, assembly.readiness, reuse_port)
            )
            scheme = "https" if tls else "http"
            _say(f"modelgw: OpenAI-compatible HTTP API on {scheme}://{http_address}/v1")
            if config.metrics.on_http_port and metrics.exposition is not None:
                _say(f"modelgw: Prometheus metrics on {scheme}://{http_address}/metrics")
        freeze_startup_heap()
        if ready is not None:
            ready()
        in_flight = assembly.in_flight()
        if in_flight is not None:
            servers.insert(0, in_flight)  # first: its cut-off mark precedes the servers' cancels
        await serve_until_signalled(
            servers,
            config.server.shutdown_grace_s,
            assembly.close,
            drain_s=config.server.drain_s,
        )
        provider.shutdown()
        metrics.shutdown()
    except BaseException:
        for started in servers:
            await started.stop(0)
        await assembly.close()
        raise


def freeze_startup_heap() -> None:
    """Keep what startup built (modules, models, the trust engine, config) out of every
    later garbage collection.

    Those are hundreds of thousands of objects that live as long as the process, yet each
    full collection walked them all: a pause of tens of milliseconds on the request that
    happened to trigger it (the p99.9 stalls at one caller of issue 19). Frozen, a
    collection walks only what requests allocate.
    """
    gc.collect()
    gc.freeze()


def listener_tls(config: ModelgwConfig, services: list[str]) -> ServerTls | None:
    """The gateway's front doors take `server.tls`; trust, audit, control alone `services.tls`.

    Under `modelgw serve` the audit service shares the gateway's port, so its TLS.
    """
    return config.server.tls if "gateway" in services else config.services.tls


def _load(paths: list[str] | None) -> ModelgwConfig:
    if not paths:
        raise SystemExit("--config is required to run a single service")
    return load_config(*paths)


CONFIG_HELP = "config file (TOML/YAML); repeat to layer files, later ones over earlier ones"


def cmd_serve(args: argparse.Namespace) -> None:
    if args.config:
        config = load_config(*args.config)
        if any(
            (
                config.services.trust_address,
                config.services.audit_address,
                config.services.control_address,
            )
        ):
            raise SystemExit(
                "modelgw serve runs every service in this process; remove services.*_address "
                "or run `modelgw gateway` instead"
            )
    else:
        key, from_env = dev_api_key()
        config = embedded_config(key)
        control = config.control.model_copy(update={"url": embedded_control_url()})
        config = config.model_copy(update={"control": control})
        _say("modelgw: no --config given, running with embedded defaults (loopback only)")
        _say("modelgw:   backend: echo (answers with the masked prompt it received)")
        _say(f"modelgw:   audit:   {config.audit.url}")
        _say(f"modelgw:   tenants: {config.control.url}")
        source = f"from ${DEV_KEY_ENV}" if from_env else f"generated; set ${DEV_KEY_ENV} to fix it"
        _say(f"modelgw:   dev API key ({source}): {key}")
    address = args.listen or config.server.grpc_address
    http_address = args.http_listen or config.server.http_address
    for listen in (address, http_address):
        if not args.config and listen and not is_loopback_address(listen):
            raise SystemExit(f"embedded defaults only listen on loopback; {listen} is not")
    from modelgw.serve_processes import process_count, supervise

    processes = process_count(config)
    if processes > 1:
        supervise(config, address, http_address, processes)
        return
    plan = [("gateway", address), ("audit", address), ("control", address)]
    event_loop.run(serve_plan(config, plan, http_address))


def cmd_service(args: argparse.Namespace) -> None:
    config = _load(args.config)
    if args.command in {"gateway", "audit"} and not config.audit.pseudonym_key:
        # Apart, the gateway (writes pseudonyms) and the audit service (hashes end-user
        # filters) must hold one key; a key generated in each state directory would not match.
        raise ConfigError(
            f"audit.pseudonym_key is required to run `modelgw {args.command}` on its own: the "
            "gateway pseudonymises end users and session ids with it and the audit service "
            "hashes end-user filters with it, so both need the same secret "
            '(e.g. pseudonym_key = "file:/run/secrets/modelgw/audit-pseudonym/key")'
        )
    listen = {
        "gateway": config.server.grpc_address,
        "trust": config.services.trust_listen,
        "audit": config.services.audit_listen,
        "control": config.services.control_listen,
    }[args.command]
    http_address = None
    if args.command == "gateway":
        http_address = args.http_listen or config.server.http_address
    event_loop.run(serve_plan(config, [(args.command, args.listen or listen)], http_address))


def cmd_config_check(args: argparse.Namespace) -> None:
    config = load_config(*args.path)
    source = " + ".join(map(str, args.path))
    print(
        f"{source}: OK ({len(config.providers)} providers, {len(config.models)} models, "
        f"{len(config.tenants)} tenants)"
    )


def cmd_health(args: argparse.Namespace) -> None:
    """A gRPC health check for images without grpc_health_probe (compose health checks)."""
    import grpc
    from grpc_health.v1 import health_pb2, health_pb2_grpc

    from modelgw.common.channels import channel_credentials, channel_options
    from modelgw.common.tls_cli import client_tls_from_args

    tls = client_tls_from_args(args)
    if tls is None:
        channel = grpc.insecure_channel(args.address)
    else:
        channel = grpc.secure_channel(
            args.address, channel_credentials(tls), options=channel_options(tls)
        )
    with channel:
        try:
            stub: Any = health_pb2_grpc.HealthStub(channel)  # generated without types
            reply = stub.Check(
                health_pb2.HealthCheckRequest(service=args.service), timeout=args.timeout_s
            )
        except grpc.RpcError as exc:
            failure: Any = exc  # a grpc.Call too, which the stubs do not say
            _say(f"{args.address}: {failure.code().name}")
            raise SystemExit(1) from None
    status = health_pb2.HealthCheckResponse.ServingStatus.Name(reply.status)
    print(f"{args.address}: {status}")
    raise SystemExit(0 if reply.status == health_pb2.HealthCheckResponse.SERVING else 1)


def cmd_keys_new(args: argparse.Namespace) -> None:
    key = new_api_key()
    print(f"key:    {key}")
    print(f"sha256: {hash_api_key(key)}")
    print("Give the key to the client; put only the sha256 in the tenant's api_keys.")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="modelgw", description=__doc__)
    parser.add_argument("--log-level", default="INFO", help="DEBUG, INFO, WARNING, ERROR")
    commands = parser.add_subparsers(dest="command", required=True)

    serve = commands.add_parser("serve", help="gateway + trust + audit + control in one process")
    serve.add_argument(
        "--config", action="append", help=CONFIG_HELP + "; embedded defaults if omitted"
    )
    serve.add_argument("--listen", help="gRPC listen address, overrides server.grpc_address")
    serve.add_argument("--http-listen", help="HTTP listen address, overrides server.http_address")
    serve.set_defaults(func=cmd_serve)

    for name in SERVICES:
        sub = commands.add_parser(name, help=f"run the {name} service alone")
        subcommands = name in {"audit", "control"}  # `modelgw audit migrate --config F` ...
        sub.add_argument("--config", action="append", required=not subcommands, help=CONFIG_HELP)
        sub.add_argument("--listen", help="listen address, overrides the config")
        if name == "gateway":
            sub.add_argument(
                "--http-listen", help="HTTP listen address, overrides server.http_address"
            )
        sub.set_defaults(func=cmd_service)
        if name == "audit":  # `modelgw audit migrate|verify|query|export|get ...`
            add_audit_commands(sub)
        if name == "control":  # `modelgw control migrate`
            add_control_commands(sub)

    config = commands.add_parser("config", help="configuration tools")
    config_commands = config.add_subparsers(dest="config_command", required=True)
    check = config_commands.add_parser("check", help="validate a config file")
    check.add_argument("path", type=Path, nargs="+", help="files layered in order")
    check.set_defaults(func=cmd_config_check)

    from modelgw.worker.cli import add_parser as add_worker_parser

    add_worker_parser(commands)

    health = commands.add_parser("health", help="exit 0 if a gRPC server reports SERVING")
    health.add_argument("address", help="host:port, e.g. 127.0.0.1:50051")
    health.add_argument("--service", default="", help="service name (default: the server)")
    health.add_argument("--timeout-s", type=float, default=3.0)
    add_client_tls_arguments(health)
    health.set_defaults(func=cmd_health)

    keys = commands.add_parser("keys", help="API key tools")
    keys_commands = keys.add_subparsers(dest="keys_command", required=True)
    new = keys_commands.add_parser("new", help="generate an API key and the hash to configure")
    new.set_defaults(func=cmd_keys_new)
    add_key_commands(keys_commands)
    add_tenant_commands(commands)
    return parser


def main(argv: list[str] | None = None) -> None:
    parser = build_parser()
    args, extra = parser.parse_known_args(argv)
    if extra and not getattr(args, "accepts_engine_args", False):
        parser.error(f"unrecognized arguments: {' '.join(extra)}")
    args.engine_args = extra
    from modelgw.common.logs import configure_logging

    configure_logging(args.log_level)
    try:
        args.func(args)
    except (ConfigError, SecretResolutionError) as exc:
        _say(f"modelgw: configuration error:\n{exc}")
        raise SystemExit(2) from None
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
