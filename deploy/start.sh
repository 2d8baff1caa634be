#!/bin/sh
# The container's start command (also run by the tests outside a container):
# bring the database to the latest migration, then serve the built app on one port.
#
#   deploy/start.sh           check the secret and the folders, migrate (skipped
#                             with MIGRATE_ON_START=0), then serve on $PORT (8000
#                             by default)
#   deploy/start.sh migrate   migrate only: compose's migrate service, Heroku's
#                             release phase, a one-off ECS task
set -eu

# Heroku (and platforms like it) name their add-ons' addresses REDIS_URL and
# DATABASE_URL and change them when they rotate credentials, so they are read at
# every start rather than copied into the configuration: the settings read
# DATABASE_URL themselves; Reflex reads only REFLEX_REDIS_URL, mapped here. REDIS_URL_QUERY is appended
# to a mapped REDIS_URL, e.g. "?ssl_cert_reqs=none" for a self-signed certificate.
if [ -z "${REFLEX_REDIS_URL:-}" ] && [ -n "${REDIS_URL:-}" ]; then
    REFLEX_REDIS_URL="${REDIS_URL}${REDIS_URL_QUERY:-}"
    export REFLEX_REDIS_URL
fi

case "${1:-serve}" in
    migrate)
        python -m chat_app.preflight migrate
        exec python -m chat_app.db
        ;;
    serve) ;;
    *)
        echo "usage: $0 [serve|migrate]" >&2
        exit 2
        ;;
esac

# A weak secret or a folder uid 10001 cannot write stops the start here, before
# the migrations create anything.
python -m chat_app.preflight

# With several replicas, migrate once before they start (a migrate service or
# task) and give the replicas MIGRATE_ON_START=0.
if [ "${MIGRATE_ON_START:-1}" != "0" ]; then
    python -m chat_app.db
fi
exec reflex run --env prod --single-port --backend-port "${PORT:-8000}"
