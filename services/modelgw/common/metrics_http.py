"""`/metrics`: the Prometheus text exposition, on a port of its own or on the HTTP front door.

The port of its own (`metrics.listen`) is what every modelgw process opens, the
trust, audit and control services included, which have no HTTP door; it serves
nothing else, so it can stay inside the cluster while the front door is public.
"""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from modelgw.common.metrics import CONTENT_TYPE, PrometheusExposition


def metrics_endpoint(exposition: PrometheusExposition) -> Route:
    async def metrics(_: Request) -> Response:
        # On the event loop, not a thread: observable instruments run their callbacks
        # while rendering, and they read state (queues, breakers, the spool) that only
        # the loop changes. Rendering takes a millisecond or so.
        return Response(exposition.render(), media_type=CONTENT_TYPE)

    return Route("/metrics", metrics, methods=["GET"])


def metrics_app(exposition: PrometheusExposition) -> Starlette:
    return Starlette(routes=[metrics_endpoint(exposition)])
