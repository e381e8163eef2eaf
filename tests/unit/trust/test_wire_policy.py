"""The tenant's policy on the Trust service's wire: serialised and parsed once per policy."""

from __future__ import annotations

import pytest

from modelgw.common.errors import InvalidArgument
from modelgw.common.tenant import Tenant
from modelgw.trust.wire import tenant_from_wire, tenant_policy_json
from tests.configs import tenant


def test_the_policy_round_trips() -> None:
    sent = tenant("acme")
    received = tenant_from_wire("acme", tenant_policy_json(sent))
    assert received.name == "acme"
    assert received.entity_policy == sent.entity_policy
    assert received.config.trust == sent.config.trust


def test_one_parse_per_policy_and_a_new_version_is_parsed_anew() -> None:
    first = tenant("acme")
    text = tenant_policy_json(first)
    assert tenant_from_wire("acme", text) is tenant_from_wire("acme", text)
    # Another tenant with the same policy is its own object: the name is part of the key.
    assert tenant_from_wire("other", text).name == "other"
    changed = first.config.model_copy(
        update={"trust": first.config.trust.model_copy(update={"fail_open_local": True})}
    )
    newer = Tenant(name="acme", config=changed, version=2)
    assert tenant_policy_json(newer) != text
    assert tenant_from_wire("acme", tenant_policy_json(newer)).config.trust.fail_open_local


def test_a_malformed_policy_is_the_callers_error_every_time() -> None:
    for _ in range(2):  # not cached as a success, nor turned into another error
        with pytest.raises(InvalidArgument, match="not a valid tenant policy"):
            tenant_from_wire("acme", '{"entity_policy": 7}')
    with pytest.raises(InvalidArgument, match="tenant is required"):
        tenant_from_wire("", "{}")
