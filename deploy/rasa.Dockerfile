# The Rasa 3.6 engine (Python 3.10) with this project's components and its trained model.
# Build from the repository root:  docker build -f deploy/rasa.Dockerfile -t reflection-rasa .
# The model is trained here, in the build, so the image needs nothing from the host but the sources.
FROM python:3.10-slim AS engine
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1 PYTHONDONTWRITEBYTECODE=1 TF_CPP_MIN_LOG_LEVEL=3
WORKDIR /app
COPY requirements-rasa.txt .
RUN pip install -r requirements-rasa.txt
# The model's sources and what runs inside Rasa: the custom components and the standard-library parts of
# reflection/ they import (settings, safety net, retention, erasure) and the words they send.
COPY config.yml domain.yml credentials.yml endpoints.yml ./
COPY data ./data
COPY components ./components
COPY reflection ./reflection
COPY scripts/serve_rasa.py ./scripts/serve_rasa.py

FROM engine AS trained
RUN PYTHONPATH=/app rasa train --fixed-model-name reflection --out models --quiet

FROM engine
COPY --from=trained /app/models ./models
# skops's lists of trusted types, kept where the rasa user cannot write (components/early_imports.py).
RUN PYTHONPATH=/app python -c "from components.early_imports import prepare; prepare()"
RUN useradd --system --uid 10001 --home-dir /app rasa && chown -R rasa /app
USER rasa
# Rasa listens on the private network only; RASA_TOKEN guards its API (serve_rasa.py refuses to start without).
ENV PYTHONPATH=/app BIND_HOST=0.0.0.0 LOCK_STORE_TYPE=redis SANIC_WORKERS=1
EXPOSE 5005
CMD ["python", "scripts/serve_rasa.py", "--port", "5005", "--model", "models/reflection.tar.gz"]
