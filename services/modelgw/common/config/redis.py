"""How a deployment-level feature reaches Redis: one shape for the cache and the quotas."""

from __future__ import annotations

from typing import Self

from pydantic import Field, model_validator

from modelgw.common.config.base import StrictModel
from modelgw.common.config.secrets import SecretRef
from modelgw.common.config.urls import url_credential_problem


class RedisConnection(StrictModel):
    redis_url: str = "redis://127.0.0.1:6379/0"
    """Redis without credentials in the URL; use `redis_password` for the secret."""
    redis_password: SecretRef | None = None
    max_connections: int = Field(default=64, ge=1, le=10_000)
    """Connections this process opens to Redis at most; a burst beyond it waits for one
    (up to the step's timeout) instead of failing as if Redis were down."""

    @model_validator(mode="after")
    def _no_credentials_in_url(self) -> Self:
        # A password in the URL would end up in config dumps and logs; secrets come only
        # from references.
        problem = url_credential_problem(
            self.redis_url,
            field="redis_url",
            reference='redis_password = "env:NAME"',
            user_is_secret=True,
        )
        if problem or "@" in self.redis_url:
            raise ValueError(
                problem or "redis_url must not contain credentials; use redis_password"
            )
        return self
