"""One shared httpx client per backend.

HTTP/2 is offered where the upstream negotiates it (ALPN over TLS); redirects
are never followed (an upstream must not be able to send our masked prompt and
credentials elsewhere) and the environment is ignored (`trust_env=False`: no
proxy, netrc or CA settings picked up behind the operator's back).
"""

from __future__ import annotations

import httpx

from modelgw.common.config.provider_fields import HttpProviderMixin


def new_client(config: HttpProviderMixin, timeout_s: float) -> httpx.AsyncClient:
    return httpx.AsyncClient(
        http2=config.http2,
        timeout=httpx.Timeout(timeout_s, connect=min(10.0, timeout_s)),
        limits=httpx.Limits(
            max_connections=config.max_connections,
            # Keep alive all it may open: fewer, and every burst above that many reopens
            # the extra connections (a TCP and TLS handshake each) on the request path.
            max_keepalive_connections=config.max_connections,
        ),
        follow_redirects=False,
        trust_env=False,
    )
