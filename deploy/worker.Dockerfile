# modelgw worker on a GPU: one vLLM engine serving one local model over vLLM's gRPC API.
#
#   docker build -f deploy/worker.Dockerfile -t modelgw-worker .
#   docker run --gpus all -v /models/llama:/models/llama:ro -p 50061:50061 modelgw-worker \
#       --model /models/llama --served-name llama --max-model-len 8192
#
# Weights are mounted read-only, never downloaded at run time. Readiness: the native
# gRPC health check of service `vllm.grpc.engine.VllmEngine` (SERVING once the engine
# is loaded and warmed up). SIGTERM drains in-flight requests (--grace, default 30 s).
# CPU-only hosts: build with --build-arg WORKER_EXTRA=worker-cpu --build-arg BASE=python:3.11-slim.
ARG BASE=nvidia/cuda:12.8.1-runtime-ubuntu22.04
FROM ${BASE}

ARG WORKER_EXTRA=worker
ENV DEBIAN_FRONTEND=noninteractive \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    HF_HUB_OFFLINE=1 \
    VLLM_NO_USAGE_STATS=1

RUN if ! command -v python3.11 >/dev/null; then \
      apt-get update && apt-get install -y --no-install-recommends python3.11 python3.11-venv \
      && rm -rf /var/lib/apt/lists/*; \
    fi \
    && python3.11 -m venv /opt/worker \
    && useradd --system --uid 10001 --home-dir /nonexistent --shell /usr/sbin/nologin modelgw

WORKDIR /src
COPY pyproject.toml README.md ./
COPY services ./services
RUN /opt/worker/bin/pip install -q -U pip \
    && /opt/worker/bin/pip install -q ".[${WORKER_EXTRA}]" \
    && if [ "${WORKER_EXTRA}" = "worker-cpu" ]; then \
         /opt/worker/bin/pip uninstall -q -y torchvision torchaudio torchcodec; \
       fi \
    && rm -rf /src

USER 10001
EXPOSE 50061
ENTRYPOINT ["/opt/worker/bin/modelgw", "worker", "--listen", "0.0.0.0:50061"]
