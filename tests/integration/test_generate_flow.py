"""The flow tests of tests/unit/gateway/test_generate_flow.py, with the audit store on the
real Postgres: masked before the backend, restored for the client, every record readable."""

from __future__ import annotations

import pytest

from tests.unit.gateway import test_generate_flow as flow


@pytest.fixture
def audit_url(pg_sqlalchemy_url: str) -> str:
    return pg_sqlalchemy_url


gateway = flow.gateway

test_generate_masks_for_backend_and_restores_for_client = (
    flow.test_generate_masks_for_backend_and_restores_for_client
)
test_stream_restores_placeholders_split_across_chunks = (
    flow.test_stream_restores_placeholders_split_across_chunks
)
test_caller_request_id_and_metadata_reach_the_audit_record = (
    flow.test_caller_request_id_and_metadata_reach_the_audit_record
)
test_bad_requests_get_a_status_that_says_what_to_fix = (
    flow.test_bad_requests_get_a_status_that_says_what_to_fix
)
test_invalid_parameters_and_roles_are_rejected = flow.test_invalid_parameters_and_roles_are_rejected
test_list_models_shows_what_the_tenant_may_use = flow.test_list_models_shows_what_the_tenant_may_use
