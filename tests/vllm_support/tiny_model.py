"""Build a tiny random-weight Llama (plus its tokenizer) that real vLLM can serve on a CPU.

Greedy decoding never ends early (see `build`). Run with the worker venv's Python (it
needs torch and transformers): `.venv-worker/bin/python -m tests.vllm_support.tiny_model DIR`.
Head dimension 64
because vLLM's CPU attention wants at least that; float32 so any x86 CPU runs it.
"""

from __future__ import annotations

import sys
from pathlib import Path

from tests.vllm_support.tiny_tokenizer import write_tokenizer

MAX_MODEL_LEN = 8192
"""Context length of the tiny model, and the workers' --max-model-len."""


def build(directory: Path, *, seed: int = 0) -> None:
    import torch
    from transformers import LlamaConfig, LlamaForCausalLM

    tokenizer = write_tokenizer(directory)
    torch.manual_seed(seed)
    config = LlamaConfig(
        vocab_size=tokenizer.get_vocab_size(),
        hidden_size=128,
        intermediate_size=256,
        num_hidden_layers=2,
        num_attention_heads=2,
        num_key_value_heads=2,
        head_dim=64,
        # Room for answers of thousands of tokens: at ~1-2 ms a token a 1000-token answer
        # is over before a test stalled on a loaded machine looks at it.
        max_position_embeddings=MAX_MODEL_LEN,
        bos_token_id=tokenizer.token_to_id("<s>"),
        eos_token_id=tokenizer.token_to_id("</s>"),
        tie_word_embeddings=False,
        torch_dtype="float32",
    )
    model = LlamaForCausalLM(config).to(torch.float32)
    with torch.no_grad():
        # Greedy decoding never picks EOS (its logit is 0, the best other one is far above),
        # so tests can ask for long answers without an ignore_eos parameter.
        model.lm_head.weight.mul_(10.0)
        model.lm_head.weight[config.eos_token_id].zero_()
    model.save_pretrained(directory, safe_serialization=True)


if __name__ == "__main__":
    build(Path(sys.argv[1]))
    print(f"tiny model written to {sys.argv[1]}")
