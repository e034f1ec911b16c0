#!/usr/bin/env bash
# The two test tiers (README, "Tests"), each ending with its time.
#   fast: typecheck, lint, every suite that needs no engine (in parallel), the model test at
#         MODEL_RUNS=100. Under 3 minutes on a quiet 2-core machine.
#   full: typecheck, lint, every suite that needs no engine (in parallel), the model test at its
#         1,000 sequences, then the engine suites (tests/e2e, tests/consumer), one file after another.
#         Under 15 minutes on a quiet 2-core machine. What `.ci/run` and the test workflow run.
# Engine suites live in tests/e2e/ and tests/consumer/ only: in the fast tier `requireEngine` fails
# a suite that asks for the engine, so one that lands elsewhere is moved, not silently slow.
set -euo pipefail
cd "$(dirname "$0")/.."
tier="${1:-}"
case "$tier" in
  fast | full) ;;
  *) echo "usage: tests/tiers.sh fast|full" >&2; exit 2 ;;
esac
start=$(date +%s)
step() { echo; echo "=== [$tier tier, $(( $(date +%s) - start )) s] $* ==="; }
# Mocha runs without --exit, so a test that leaves a server, socket or timer open keeps it running:
# each phase has a limit well above its normal time, and going over it fails the tier by name.
within() {
  local limit="$1"; shift
  local rc=0
  timeout -k 10 "$limit" "$@" || rc=$?
  if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
    echo "!!! did not end within $limit s: a test left something open (a server, a socket, a timer) or hangs" >&2
  fi
  return "$rc"
}

step "typecheck"
npx tsc -p tsconfig.json --noEmit
step "lint and format check"
npx biome check .

# Every suite outside the engine folders and the model test, two files at a time.
mapfile -t engine_free < <(find tests -name '*.test.ts' -not -path 'tests/e2e/*' -not -path 'tests/consumer/*' -not -path 'tests/model/model.test.ts' | sort)
step "suites without the engine (${#engine_free[@]} files, in parallel)"
AUTH0_SYNC_TIER=fast within 900 npx mocha --parallel --jobs 2 "${engine_free[@]}"

runs="${MODEL_RUNS:-$([ "$tier" = fast ] && echo 100 || echo 1000)}"
step "model-based random sequences (MODEL_RUNS=$runs)"
MODEL_RUNS="$runs" within 1200 npx mocha tests/model/model.test.ts

if [ "$tier" = full ]; then
  mapfile -t engine < <(find tests/e2e tests/consumer -name '*.test.ts' | sort)
  step "suites through the real engine (${#engine[@]} files, one after another)"
  within 2700 npx mocha "${engine[@]}"
fi

echo
echo "$tier tier passed in $(( $(date +%s) - start )) s"
