"""The image's health check: ``GET /api/health`` on ``$PORT`` answers 200.

Exits with 0 when healthy, 1 otherwise (Docker's and podman's convention).
"""

import os
import sys
import urllib.request

PORT = os.environ.get("PORT") or "8000"

try:
    with urllib.request.urlopen(
        f"http://127.0.0.1:{PORT}/api/health", timeout=4
    ) as response:
        sys.exit(0 if response.status == 200 else 1)
except Exception as error:  # any failure means unhealthy
    print(f"unhealthy: {error}", file=sys.stderr)
    sys.exit(1)
