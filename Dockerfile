# First working image: builds the frontend at image build time and serves the
# production app on one port. The deployment issue completes it (multi-stage,
# non-root user, health check, volumes).
FROM python:3.11.7-slim-bookworm

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
RUN mkdir -p uploaded_files && reflex export --frontend-only --no-zip

EXPOSE 8000
# Production mode: CHAT_JWT_SECRET must be supplied (32+ bytes) or the app refuses to start.
ENV CHAT_ENV=production
CMD ["sh", "-c", "python -m chat_app.db && exec reflex run --env prod --single-port --backend-port 8000"]
