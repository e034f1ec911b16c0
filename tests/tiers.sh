#!/usr/bin/env bash
# The two test tiers (README, "Tests"), each ending with its time.
#   fast: typecheck, lint, every suite that needs no engine (in parallel), the model test at
#         MODEL_RUNS=100. Under 3 minutes on a quiet 2-core machine.
#   full: typecheck, lint, every suite that needs no engine (in parallel), then the engine suites
#         (tests/e2e, tests/consumer), one file after another, with the model test at its 1,000
#         sequences beside them.
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
if [ "$tier" = fast ]; then
  step "model-based random sequences (MODEL_RUNS=$runs)"
  MODEL_RUNS="$runs" within 1200 npx mocha tests/model/model.test.ts
else
  # The model test runs beside the engine suites: those leave about a third of the machine idle
  # (waiting on engine processes and on pacing), which the model's workers fill. Each keeps its own
  # verdict; the model's output is printed after the engine suites'.
  model_log=$(mktemp)
  step "model-based random sequences (MODEL_RUNS=$runs), beside the engine suites below; its output follows theirs"
  ( MODEL_RUNS="$runs" within 1200 npx mocha tests/model/model.test.ts > "$model_log" 2>&1 ) &
  model_pid=$!
  mapfile -t engine < <(find tests/e2e tests/consumer -name '*.test.ts' | sort)
  step "suites through the real engine (${#engine[@]} files, one after another)"
  engine_rc=0
  within 2700 npx mocha "${engine[@]}" || engine_rc=$?
  model_rc=0
  wait "$model_pid" || model_rc=$?
  step "model-based random sequences (MODEL_RUNS=$runs): its output"
  cat "$model_log"
  rm -f "$model_log"
  if [ "$engine_rc" -ne 0 ] || [ "$model_rc" -ne 0 ]; then
    echo "!!! failed: engine suites exit $engine_rc, model test exit $model_rc" >&2
    exit 1
  fi
fi

echo
echo "$tier tier passed in $(( $(date +%s) - start )) s"
