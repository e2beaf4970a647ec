# The project's own runtime (Python 3.12): the action server, the web app and the `reflect` CLI.
# Build from the repository root:  docker build -f deploy/app.Dockerfile -t reflection-app .
# One image, three commands (see deploy/compose.yml): `reflect db upgrade`, the action server, the web app.
FROM python:3.12-slim
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1 PYTHONDONTWRITEBYTECODE=1
WORKDIR /app
COPY requirements.txt pyproject.toml ./
RUN pip install -r requirements.txt
COPY reflection ./reflection
COPY actions ./actions
COPY web ./web
COPY config ./config
RUN pip install --no-deps . \
 && useradd --system --uid 10001 --home-dir /app reflect \
 && mkdir -p /app/var/outbox && chown -R reflect /app/var && chmod -R 700 /app/var
USER reflect
ENV PYTHONPATH=/app BIND_HOST=0.0.0.0 OUTBOX_DIR=/app/var/outbox
EXPOSE 5055 8000
CMD ["uvicorn", "web.app:app", "--host", "0.0.0.0", "--port", "8000", "--workers", "2", "--proxy-headers"]
