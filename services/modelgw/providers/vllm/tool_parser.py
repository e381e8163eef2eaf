"""Tool calls in a local model's text: the Hermes format, `<tool_call>{json}</tool_call>`.

A model served by vLLM writes its calls as text, in the format its chat
template taught it. Hermes-style models (Qwen 2.5 and 3, Hermes 2/3, many
fine-tunes) write `<tool_call>\\n{"name": ..., "arguments": {...}}\\n</tool_call>`,
one block per call. The parser takes the detokenized text as it streams: text
outside blocks flows on at once except a tail that could still open a block;
each block becomes one whole tool call when it closes. A block that is not
valid JSON stays text. (vLLM's own OpenAI server does the same with
`--tool-call-parser hermes`; here the gateway owns the text side.)
"""

from __future__ import annotations

import json
import secrets

from modelgw.common.tools import ToolCallDelta

OPEN, CLOSE = "<tool_call>", "</tool_call>"


def _held(text: str) -> int:
    """How many characters at the end of `text` could be the start of `OPEN`."""
    for size in range(min(len(OPEN) - 1, len(text)), 0, -1):
        if OPEN.startswith(text[-size:]):
            return size
    return 0


class HermesToolParser:
    def __init__(self) -> None:
        self._buffer = ""
        self._inside = False
        self.calls = 0

    def _call(self, body: str) -> ToolCallDelta | None:
        try:
            data = json.loads(body.strip())
        except ValueError:
            return None
        if not isinstance(data, dict) or not isinstance(data.get("name"), str):
            return None
        arguments = data.get("arguments", data.get("parameters", {}))
        if not isinstance(arguments, str):
            arguments = json.dumps(arguments, ensure_ascii=False)
        call = ToolCallDelta(self.calls, f"call_{secrets.token_hex(12)}", data["name"], arguments)
        self.calls += 1
        return call

    def _text(self, text: str) -> str:
        # Once the model is calling tools, the line breaks between its blocks are not an answer.
        return "" if self.calls and not text.strip() else text

    def feed(self, text: str) -> tuple[str, list[ToolCallDelta]]:
        """Text to pass on now, and the calls whose blocks closed."""
        self._buffer += text
        out: list[str] = []
        calls: list[ToolCallDelta] = []
        while True:
            if not self._inside:
                start = self._buffer.find(OPEN)
                if start < 0:
                    keep = _held(self._buffer)
                    out.append(self._text(self._buffer[: len(self._buffer) - keep]))
                    self._buffer = self._buffer[len(self._buffer) - keep :]
                    break
                out.append(self._text(self._buffer[:start]))
                self._buffer = self._buffer[start + len(OPEN) :]
                self._inside = True
            else:
                end = self._buffer.find(CLOSE)
                if end < 0:
                    break
                body = self._buffer[:end]
                self._buffer = self._buffer[end + len(CLOSE) :]
                self._inside = False
                call = self._call(body)
                if call is None:
                    out.append(OPEN + body + CLOSE)
                else:
                    calls.append(call)
        return "".join(out), calls

    def finish(self) -> tuple[str, list[ToolCallDelta]]:
        """The end of the answer: an open block (a model that stops before closing it) is
        a call if its JSON is whole, else text."""
        rest, self._buffer = self._buffer, ""
        if not self._inside:
            return self._text(rest), []
        self._inside = False
        call = self._call(rest)
        return ("", [call]) if call is not None else (OPEN + rest, [])
