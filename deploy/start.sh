#!/bin/sh
# The container's start command (also run by the tests outside a container):
# bring the database to the latest migration, then serve the built app on one port.
set -eu
python -m chat_app.db
exec reflex run --env prod --single-port --backend-port "${PORT:-8000}"
