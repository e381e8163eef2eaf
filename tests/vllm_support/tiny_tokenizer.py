"""A byte-level BPE tokenizer trained in a second on a built-in corpus, saved as a model dir.

Needs only the `tokenizers` library (gateway venv and worker venv both have it), so
detokenizer tests and fake workers can use the very files a real worker serves.
"""

from __future__ import annotations

import json
from pathlib import Path

from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers

BOS, EOS, UNK = "<s>", "</s>", "<unk>"
CHAT_TEMPLATE = (
    "{{ bos_token }}{% for message in messages %}"
    "<|{{ message['role'] }}|>\n{{ message['content'] }}\n"
    "{% endfor %}{% if add_generation_prompt %}<|assistant|>\n{% endif %}"
)
TOOLS_TEMPLATE = (
    "{{ bos_token }}{% if tools %}<|system|>\n<tools>\n{% for tool in tools %}"
    "{{ tool | tojson }}\n{% endfor %}</tools>\nCall a tool with "
    '<tool_call>{"name": ..., "arguments": ...}</tool_call>\n{% endif %}'
    "{% for message in messages %}{% if message.role == 'tool' %}"
    "<|tool|>\n<tool_response>{{ message.content }}</tool_response>\n"
    "{% elif message.tool_calls %}<|assistant|>\n{% for call in message.tool_calls %}"
    '<tool_call>{"name": "{{ call.function.name }}", "arguments": '
    "{{ call.function.arguments | tojson }}}</tool_call>\n{% endfor %}"
    "{% else %}<|{{ message['role'] }}|>\n{{ message['content'] }}\n{% endif %}"
    "{% endfor %}{% if add_generation_prompt %}<|assistant|>\n{% endif %}"
)
"""A Hermes-style template (as Qwen 2.5 writes tools and calls), for function calling."""
_CORPUS = [
    "The quick brown fox jumps over the lazy dog. Hello world, hello gateway!",
    "Café crème brûlée, naïve façade, über Straße, smörgåsbord and jalapeño.",
    "日本語のテキストと中文文本。Ünïcödé mixes with ASCII text and émojis 🙂🚀🎉.",
    "<|system|> <|user|> <|assistant|> You are a helpful assistant. Answer briefly.",
    "Numbers 0123456789, symbols !@#$%^&*() and code: def f(x): return x + 1",
]


def train_tokenizer(vocab_size: int = 512) -> Tokenizer:
    tokenizer = Tokenizer(models.BPE(unk_token=None, byte_fallback=False))
    tokenizer.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tokenizer.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=vocab_size,
        special_tokens=[UNK, BOS, EOS],
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        show_progress=False,
    )
    tokenizer.train_from_iterator(_CORPUS * 20, trainer=trainer)
    return tokenizer


def write_tokenizer(
    directory: Path, vocab_size: int = 512, chat_template: str = CHAT_TEMPLATE
) -> Tokenizer:
    """Write tokenizer.json + tokenizer_config.json (with a chat template) into `directory`."""
    directory.mkdir(parents=True, exist_ok=True)
    tokenizer = train_tokenizer(vocab_size)
    tokenizer.save(str(directory / "tokenizer.json"))
    config = {
        "tokenizer_class": "PreTrainedTokenizerFast",
        "bos_token": BOS,
        "eos_token": EOS,
        "unk_token": UNK,
        "model_max_length": 2048,
        "chat_template": chat_template,
        "clean_up_tokenization_spaces": False,
    }
    (directory / "tokenizer_config.json").write_text(json.dumps(config, indent=1))
    (directory / "special_tokens_map.json").write_text(
        json.dumps({"bos_token": BOS, "eos_token": EOS, "unk_token": UNK})
    )
    return tokenizer
