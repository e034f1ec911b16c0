#!/usr/bin/env bash
# Lints every workflow in .github/workflows (*.yml and *.yaml): first our review rules
# (scripts/check-workflows.ts: no secret on a pull request's code without an approved environment,
# path filters that cover every file the program loads), then actionlint, built from the Go module
# proxy into the cache on first use.
set -euo pipefail
VERSION=v1.7.7
CACHE="${AUTH0_SYNC_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/auth0-connection-sync}/actionlint-$VERSION"
cd "$(dirname "$0")/.."
shopt -s nullglob
files=(.github/workflows/*.yml .github/workflows/*.yaml)
if [ "${#files[@]}" -eq 0 ]; then
  echo "[lint-workflows] no workflow files in .github/workflows" >&2
  exit 1
fi
npx ts-node --transpile-only scripts/check-workflows.ts "${files[@]}"
if [ ! -x "$CACHE/actionlint" ]; then
  command -v go >/dev/null || { echo "actionlint needs Go to build" >&2; exit 1; }
  echo "[lint-workflows] building actionlint $VERSION" >&2
  GOBIN="$CACHE" GOFLAGS=-mod=mod go install "github.com/rhysd/actionlint/cmd/actionlint@$VERSION" >&2
fi
"$CACHE/actionlint" -no-color "${files[@]}"
echo "[lint-workflows] ${#files[@]} workflow file(s) clean: ${files[*]}" >&2
