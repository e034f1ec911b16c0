#!/usr/bin/env bash
# Lints .github/workflows with actionlint, built from the Go module proxy into the cache on first use.
set -euo pipefail
VERSION=v1.7.7
CACHE="${AUTH0_SYNC_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/auth0-connection-sync}/actionlint-$VERSION"
if [ ! -x "$CACHE/actionlint" ]; then
  command -v go >/dev/null || { echo "actionlint needs Go to build" >&2; exit 1; }
  echo "[lint-workflows] building actionlint $VERSION" >&2
  GOBIN="$CACHE" GOFLAGS=-mod=mod go install "github.com/rhysd/actionlint/cmd/actionlint@$VERSION" >&2
fi
cd "$(dirname "$0")/.."
"$CACHE/actionlint" -no-color .github/workflows/*.yml
echo "[lint-workflows] $(ls .github/workflows/*.yml | wc -l) workflow file(s) clean" >&2
