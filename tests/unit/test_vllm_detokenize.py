"""Incremental detokenization: whole characters only, stop strings cut across chunks."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tokenizers import Tokenizer

from modelgw.providers.vllm.detokenize import IncrementalDetokenizer
from tests.vllm_support.tiny_tokenizer import train_tokenizer

TEXT = "Café crème 日本語 🙂🚀 naïve façade, hello world!"


@pytest.fixture(scope="module")
def tokenizer() -> Tokenizer:
    return train_tokenizer()


def stream(tokenizer: Tokenizer, ids: list[int], stop: tuple[str, ...] = ()) -> list[str]:
    detok = IncrementalDetokenizer(tokenizer, stop)
    pieces = [detok.feed([i]) for i in ids]
    pieces.append(detok.finish())
    return pieces


def test_multibyte_characters_arrive_whole(tokenizer: Tokenizer) -> None:
    ids = tokenizer.encode(TEXT, add_special_tokens=False).ids
    # Byte-level BPE splits the emoji and CJK characters over several tokens.
    assert len(ids) > len(TEXT.split())
    pieces = stream(tokenizer, ids)
    assert "".join(pieces) == TEXT
    assert all("\ufffd" not in p for p in pieces)


@pytest.mark.parametrize("stop", ["日本", "🚀", "hello", "é c", "!"])
def test_stop_string_is_cut_exactly(tokenizer: Tokenizer, stop: str) -> None:
    ids = tokenizer.encode(TEXT, add_special_tokens=False).ids
    detok = IncrementalDetokenizer(tokenizer, (stop, "never-there"))
    out = "".join(detok.feed([i]) for i in ids) + detok.finish()
    assert out == TEXT[: TEXT.index(stop)]
    assert detok.stopped


def test_text_that_only_looks_like_a_stop_start_is_released(tokenizer: Tokenizer) -> None:
    ids = tokenizer.encode("hello hel", add_special_tokens=False).ids
    detok = IncrementalDetokenizer(tokenizer, ("help",))
    out = "".join(detok.feed([i]) for i in ids)
    assert out.endswith("hello ") and not out.endswith("hel")  # "hel" held back...
    assert out + detok.finish() == "hello hel"  # ...and released at the end


def test_special_tokens_are_skipped(tokenizer: Tokenizer) -> None:
    ids = tokenizer.encode("hello", add_special_tokens=False).ids
    eos = tokenizer.token_to_id("</s>")
    assert eos is not None
    assert "".join(stream(tokenizer, [*ids, eos])) == "hello"


@settings(max_examples=60, deadline=None)
@given(text=st.text(alphabet=st.sampled_from(list(TEXT)), max_size=40), split=st.integers(1, 5))
def test_any_chunking_gives_the_same_text(text: str, split: int) -> None:
    tokenizer = _TOKENIZER
    ids = tokenizer.encode(text, add_special_tokens=False).ids
    detok = IncrementalDetokenizer(tokenizer)
    out = "".join(detok.feed(ids[i : i + split]) for i in range(0, len(ids), split))
    assert out + detok.finish() == text


_TOKENIZER = train_tokenizer()


def test_tokenizer_bundle_round_trip(tmp_path: Path) -> None:
    from modelgw.common.messages import ChatMessage, Role
    from modelgw.providers.vllm.tokenizer import parse_bundle
    from tests.vllm_support.fake_engine import tokenizer_bundle

    _, bundle = tokenizer_bundle(tmp_path)
    model = parse_bundle(bundle)
    prompt, ids = model.encode_chat(
        [ChatMessage(Role.SYSTEM, "Be brief."), ChatMessage(Role.USER, "Hi")]
    )
    assert prompt == "<s><|system|>\nBe brief.\n<|user|>\nHi\n<|assistant|>\n"
    assert ids[0] == model.tokenizer.token_to_id("<s>")
    assert model.tokenizer.decode(ids, skip_special_tokens=False).replace(
        " ", ""
    ) == prompt.replace(" ", "")
