"""A request's features against its route: backends that cannot follow it are left out, and
a request no backend can follow is refused naming each backend and what it lacks (#16)."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from modelgw.common.config.providers import Locality
from modelgw.common.errors import InvalidArgument
from modelgw.common.messages import ChatMessage, GenerationParams, ImagePart, Role
from modelgw.common.tools import ResponseFormat, ResponseFormatType, ToolDefinition
from modelgw.gateway.chat import ChatRequest
from modelgw.gateway.features import capable, check_images, request_features
from modelgw.gateway.routing import Candidate, RoutePlan
from modelgw.providers.features import CHAT_COMPLETIONS, Feature
from tests.configs import tenant


@dataclass
class _Backend:
    name: str
    provider_type: str
    features: frozenset[Feature]
    locality: Locality = Locality.EXTERNAL


CLAUDE = _Backend("claude", "anthropic", frozenset({Feature.TOOLS, Feature.IMAGES}))
GPT = _Backend("gpt", "openai", CHAT_COMPLETIONS)
PLAN = RoutePlan("assistant", (Candidate(CLAUDE, "c"), Candidate(GPT, "g")))  # type: ignore[arg-type]  # test doubles


def _request(**params) -> ChatRequest:
    messages = params.pop("messages", [ChatMessage(Role.USER, "hi")])
    return ChatRequest("assistant", messages, GenerationParams(**params), "r")


def test_backends_without_a_needed_feature_are_left_out() -> None:
    schema = ResponseFormat(ResponseFormatType.JSON_SCHEMA, "a", "{}")
    plan = capable(PLAN, _request(response_format=schema))
    assert [c.name for c in plan.candidates] == ["gpt"]
    assert "claude skipped: no response_format json_schema" in plan.reasons
    assert capable(PLAN, _request(tools=(ToolDefinition("f"),))) == PLAN


def test_a_request_no_backend_can_follow_names_each_backend() -> None:
    only_claude = RoutePlan("assistant", (Candidate(CLAUDE, "c"),))  # type: ignore[arg-type]  # test double
    with pytest.raises(InvalidArgument) as caught:
        capable(only_claude, _request(seed=7))
    assert "backend 'claude' (anthropic) does not support seed" in caught.value.message


def test_features_of_a_request() -> None:
    image = ChatMessage(Role.USER, "", images=(ImagePart("https://x.example/a.png"),))
    assert request_features(_request(messages=[image])) == {Feature.IMAGES, Feature.IMAGE_URLS}
    assert request_features(_request()) == frozenset()


def test_tenants_decide_about_images() -> None:
    data = ChatMessage(Role.USER, "", images=(ImagePart("data:image/png;base64,AAAA"),))
    address = ChatMessage(Role.USER, "", images=(ImagePart("https://x.example/a.png"),))
    check_images(tenant(), _request(messages=[data]))
    with pytest.raises(InvalidArgument, match="allow_urls"):
        check_images(tenant(), _request(messages=[address]))
    check_images(tenant(images={"allow_urls": True}), _request(messages=[address]))
    with pytest.raises(InvalidArgument, match="does not accept images"):
        check_images(tenant(images={"accept": False}), _request(messages=[data]))
