"""The OpenAI-compatible HTTP front door (`create_app`) and its in-loop server."""

from modelgw.gateway.http.app import create_app

__all__ = ["create_app"]
