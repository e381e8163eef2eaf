"""Secrets never ride inside a URL: not as userinfo, not as a query parameter.

A URL is the part of the config people paste into tickets, print at start and
find in logs and `config check` output. `redis://h:6379/0?password=...` and
`postgresql+asyncpg://u@db/x?password=...` work with the drivers, so they must
be refused as plainly as an inline secret, pointing at the reference field
that holds the secret instead.
"""

from __future__ import annotations

from urllib.parse import parse_qsl, urlsplit

_SECRET_WORDS = (
    "password",
    "passwd",
    "pwd",
    "secret",
    "token",
    "apikey",
    "accesskey",
    "credential",
)
_SECRET_NAMES = frozenset({"pass", "auth", "key"})
_USER_NAMES = frozenset({"user", "username", "login"})


def _normalised(name: str) -> str:
    return name.lower().replace("_", "").replace("-", "")


def is_secret_parameter(name: str, *, user_is_secret: bool = False) -> bool:
    """Whether a query parameter carries a credential (`password`, `sslpassword`,
    `api_key`, `token`, ...); with `user_is_secret`, a user name counts too (Redis ACL)."""
    plain = _normalised(name)
    if plain in _SECRET_NAMES or any(word in plain for word in _SECRET_WORDS):
        return True
    return user_is_secret and plain in _USER_NAMES


def url_credential_problem(url: str, *, field: str, reference: str, user_is_secret: bool) -> str:
    """What is wrong with `url` as a place for credentials, or "" when nothing is.

    `reference` names the field that takes the secret's reference instead. A user name
    in the userinfo is allowed unless `user_is_secret` (a database user is not a secret;
    a Redis ACL user goes with its password).
    """
    parts = urlsplit(url)
    if parts.password is not None or (user_is_secret and parts.username):
        return f"{field} must not contain credentials; use {reference}"
    secret = sorted(
        {
            name
            for name, _ in parse_qsl(parts.query, keep_blank_values=True)
            if is_secret_parameter(name, user_is_secret=user_is_secret)
        }
    )
    if secret:
        names = ", ".join(f"`{n}`" for n in secret)
        return (
            f"{field} must not carry credentials in its query ({names}); remove them and "
            f"use {reference}"
        )
    return ""
