#!/usr/bin/env bash
# Makes a Pulumi toolchain (CLI, Node.js language host, dynamic-provider host) available
# without internet and prints the bin directory on the last line of stdout.
#
# Order: a `pulumi` already on PATH that is new enough -> the cached build -> a build from
# Go modules through the Go module proxy (10-25 min cold on 2 cores, ~1 GB of downloads).
# Progress goes to stderr so callers can do: BIN="$(scripts/pulumi-toolchain.sh | tail -n1)".
set -euo pipefail

VERSION="${PULUMI_TOOLCHAIN_VERSION:-v3.259.0}"
# The language host has no tags of its own; this pseudo-version is the commit tagged pkg/v3.259.0.
LANGHOST_VERSION="${PULUMI_LANGHOST_VERSION:-v3.0.0-20260820084410-a05d88f24d05}"
LANGHOST_FALLBACK="v3.0.0-20260819165155-0ac56e876614"
MIN_VERSION="3.200.0"
CACHE_ROOT="${AUTH0_SYNC_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/auth0-connection-sync}"
BIN="$CACHE_ROOT/pulumi-$VERSION/bin"
REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

log() { echo "[pulumi-toolchain] $*" >&2; }

version_ge() { [ "$(printf '%s\n%s\n' "$2" "$1" | sort -V | head -n1)" = "$2" ]; }

write_dynamic_host() {
  # The CLI starts `pulumi-resource-pulumi-nodejs` with the program directory as cwd. It must print
  # nothing but what node prints (the port comes first), so resolution errors go to stderr.
  cat > "$1/pulumi-resource-pulumi-nodejs" <<'SH'
#!/usr/bin/env bash
set -euo pipefail
entry="$(node -e 'process.stdout.write(require.resolve("@pulumi/pulumi/cmd/dynamic-provider", { paths: [process.cwd()] }))' 2>/dev/null || true)"
if [ -z "$entry" ]; then
  echo "pulumi-resource-pulumi-nodejs: cannot resolve @pulumi/pulumi/cmd/dynamic-provider from $(pwd); run npm ci in the project" >&2
  exit 1
fi
exec node "$entry" "$@"
SH
  chmod +x "$1/pulumi-resource-pulumi-nodejs"
}

# 1. A pulumi on PATH that is new enough, with a language host beside it.
if command -v pulumi >/dev/null 2>&1; then
  have="$(pulumi version 2>/dev/null | sed 's/^v//' || true)"
  dir="$(dirname "$(command -v pulumi)")"
  if [ -n "$have" ] && version_ge "$have" "$MIN_VERSION"; then
    log "using pulumi $have from $dir"
    if [ -x "$dir/pulumi-resource-pulumi-nodejs" ]; then echo "$dir"; exit 0; fi
    # Put our dynamic-provider host beside a link to that CLI, so one bin/ holds both.
    mkdir -p "$BIN"; ln -sf "$(command -v pulumi)" "$BIN/pulumi"; write_dynamic_host "$BIN"
    echo "$BIN"
    exit 0
  fi
fi

# 2. The cached build.
if [ -x "$BIN/pulumi" ] && { [ -x "$BIN/pulumi-language-nodejs" ] || [ -f "$BIN/.langhost-unavailable" ]; }; then
  write_dynamic_host "$BIN"
  log "using cached build in $BIN"
  echo "$BIN"
  exit 0
fi

# 3. Build from Go modules (unless the caller only wants to know).
if [ "${1:-}" = "--no-build" ]; then
  log "no cached toolchain in $BIN and no usable pulumi on PATH"
  exit 1
fi
if ! command -v go >/dev/null 2>&1; then
  log "no usable pulumi on PATH and no Go toolchain to build one."
  log "Install the Pulumi CLI (>= $MIN_VERSION, with pulumi-language-nodejs beside it) or Go >= 1.24."
  exit 1
fi

mkdir -p "$BIN"
export GOFLAGS="${GOFLAGS:-} -mod=mod"
LDFLAGS="-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=$VERSION"

build_cli() {
  local w="$CACHE_ROOT/build/cli-$VERSION"
  mkdir -p "$w"
  cat > "$w/go.mod" <<GOMOD
module local/pulumi-cli-build

go 1.24

require (
	github.com/pulumi/pulumi/pkg/v3 $VERSION
	github.com/pulumi/pulumi/sdk/v3 $VERSION
)

replace github.com/atotto/clipboard => github.com/tgummerer/clipboard v0.0.0-20241001131231-d02d263e614e
GOMOD
  cat > "$w/tools.go" <<'GO'
//go:build tools

package tools

import _ "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi"
GO
  log "resolving pulumi CLI $VERSION modules (first run downloads ~1 GB)"
  (cd "$w" && go mod tidy -e >&2 2>&1 || true)
  (cd "$w" && go get "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi@$VERSION" >&2)
  log "building pulumi CLI (10-25 min cold on 2 cores)"
  (cd "$w" && go build -trimpath -tags osusergo,grpcnotrace -ldflags "$LDFLAGS" -o "$BIN/pulumi" github.com/pulumi/pulumi/pkg/v3/cmd/pulumi >&2)
}

build_langhost() {
  local v="$1" w="$CACHE_ROOT/build/langhost-$1"
  mkdir -p "$w"
  cat > "$w/go.mod" <<GOMOD
module local/pulumi-langhost-build

go 1.24

require (
	github.com/pulumi/pulumi/sdk/nodejs/cmd/pulumi-language-nodejs/v3 $v
	github.com/pulumi/pulumi/pkg/v3 $VERSION
	github.com/pulumi/pulumi/sdk/v3 $VERSION
)

replace github.com/atotto/clipboard => github.com/tgummerer/clipboard v0.0.0-20241001131231-d02d263e614e
GOMOD
  cat > "$w/tools.go" <<'GO'
//go:build tools

package tools

import _ "github.com/pulumi/pulumi/sdk/nodejs/cmd/pulumi-language-nodejs/v3"
GO
  log "resolving Node.js language host $v"
  (cd "$w" && go get "github.com/pulumi/pulumi/sdk/nodejs/cmd/pulumi-language-nodejs/v3@$v" >&2) || return 1
  log "building Node.js language host"
  (cd "$w" && go build -trimpath -tags osusergo,grpcnotrace -ldflags "$LDFLAGS" -o "$BIN/pulumi-language-nodejs" github.com/pulumi/pulumi/sdk/nodejs/cmd/pulumi-language-nodejs/v3 >&2)
}

[ -x "$BIN/pulumi" ] || build_cli
if [ ! -x "$BIN/pulumi-language-nodejs" ]; then
  # Not fatal: Automation API inline programs (our tests and `npm start`) run the program in our
  # own Node process and need only the CLI and the dynamic-provider host. The proxy has refused
  # this module (403 "not available") on every machine we tried.
  build_langhost "$LANGHOST_VERSION" || build_langhost "$LANGHOST_FALLBACK" ||
    { touch "$BIN/.langhost-unavailable"; log "Node.js language host unavailable from the Go module proxy; plain \`pulumi up\` of a project directory will not work, Automation API inline programs will"; }
fi
write_dynamic_host "$BIN"
log "pulumi $("$BIN/pulumi" version) ready in $BIN"
echo "$BIN"
