"""Presidio's analyzer and anonymizer REST API, offline, for LiteLLM's Presidio guardrail.

    python -m bench.gateway.presidio --port P

LiteLLM's `presidio` guardrail calls two HTTP services (`POST /analyze`,
`POST /anonymize`), shipped by Microsoft as container images that are not
available here. This serves the same two routes, with the same request and
answer shapes, from the presidio-analyzer and presidio-anonymizer libraries of
modelgw's environment, in one process: the stock `AnalyzerEngine` with the
spaCy model modelgw itself uses (so the comparison is about the gateways, not
the models) and the stock `AnonymizerEngine`. Requests are handled one at a time,
as by one worker of the images' server. Its CPU and RSS count as LiteLLM's.
"""

from __future__ import annotations

import argparse
import json
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from bench.trust.common import MODEL, stock_analyzer_engine


def app() -> Starlette:
    from presidio_anonymizer import AnonymizerEngine
    from presidio_anonymizer.entities import RecognizerResult

    analyzer = stock_analyzer_engine()
    anonymizer = AnonymizerEngine()

    async def analyze(request: Request) -> JSONResponse:
        body: dict[str, Any] = json.loads(await request.body())
        results = analyzer.analyze(
            text=body["text"],
            language=body.get("language") or "en",
            entities=body.get("entities"),
            score_threshold=body.get("score_threshold"),
        )
        return JSONResponse([r.to_dict() for r in results])

    async def anonymize(request: Request) -> JSONResponse:
        body: dict[str, Any] = json.loads(await request.body())
        found = [RecognizerResult.from_json(r) for r in body.get("analyzer_results") or []]
        result = anonymizer.anonymize(text=body["text"], analyzer_results=found)
        items = [
            {
                "start": i.start,
                "end": i.end,
                "entity_type": i.entity_type,
                "text": i.text,
                "operator": i.operator,
            }
            for i in result.items
        ]
        return JSONResponse({"text": result.text, "items": items})

    async def health(_: Request) -> JSONResponse:
        return JSONResponse({"status": "ok", "spacy_model": MODEL})

    return Starlette(
        routes=[
            Route("/analyze", analyze, methods=["POST"]),
            Route("/anonymize", anonymize, methods=["POST"]),
            Route("/health", health),
        ]
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    uvicorn.run(app(), host="127.0.0.1", port=args.port, log_level="warning", access_log=False)


if __name__ == "__main__":
    main()
