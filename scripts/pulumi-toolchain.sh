#!/usr/bin/env bash
# Makes a Pulumi toolchain (CLI, Node.js language host, dynamic-provider host) available
# without internet and prints the bin directory on the last line of stdout.
#
# Order: a `pulumi` already on PATH that is new enough -> the cached build -> a build from
# Go modules through the Go module proxy (10-25 min cold on 2 cores, ~1 GB of downloads).
# Progress goes to stderr so callers can do: BIN="$(scripts/pulumi-toolchain.sh | tail -n1)".
set -euo pipefail

VERSION="${PULUMI_TOOLCHAIN_VERSION:-v3.259.0}"
# The last sdk/v3 release that still contains the Node.js language host package.
LANGHOST_SDK_VERSION="v3.68.0"
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

# 1. A full Pulumi install on PATH (CLI and Node.js language host side by side), new enough.
#    Its own directory is never written to, and neither is our versioned cache: the dynamic-provider
#    host goes beside links in a directory named after that install's version.
if command -v pulumi >/dev/null 2>&1; then
  have="$(pulumi version 2>/dev/null | sed 's/^v//' || true)"
  dir="$(dirname "$(command -v pulumi)")"
  if [ -n "$have" ] && version_ge "$have" "$MIN_VERSION" && [ -x "$dir/pulumi-language-nodejs" ]; then
    log "using pulumi $have from $dir"
    if [ -x "$dir/pulumi-resource-pulumi-nodejs" ]; then echo "$dir"; exit 0; fi
    shim="$CACHE_ROOT/path-pulumi-$have/bin"
    mkdir -p "$shim"
    ln -sfn "$dir/pulumi" "$shim/pulumi"
    ln -sfn "$dir/pulumi-language-nodejs" "$shim/pulumi-language-nodejs"
    write_dynamic_host "$shim"
    echo "$shim"
    exit 0
  fi
fi

# 2. The cached build (a real CLI binary and a language host).
if [ -x "$BIN/pulumi" ] && [ ! -L "$BIN/pulumi" ] && [ -x "$BIN/pulumi-language-nodejs" ]; then
  write_dynamic_host "$BIN"
  log "using cached build in $BIN"
  echo "$BIN"
  exit 0
fi
# A link left in the cache by earlier versions of this script points at another install: drop it.
[ -L "$BIN/pulumi" ] && rm -f "$BIN/pulumi"

# 3. Build from Go modules (unless the caller only wants to know).
if [ "${1:-}" = "--no-build" ]; then
  if [ -x "$BIN/pulumi" ]; then log "the cache in $BIN has the CLI but no Node.js language host; run without --no-build"
  else log "no cached toolchain in $BIN and no usable pulumi on PATH"; fi
  exit 1
fi
if ! command -v go >/dev/null 2>&1; then
  if [ -x "$BIN/pulumi" ]; then log "the cache in $BIN has the CLI but lacks the Node.js language host, and there is no Go toolchain to build it."
  else log "no usable pulumi on PATH and no Go toolchain to build one."; fi
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
  # The Node.js language host is not served as its own module, but releases of sdk/v3 up to v3.68.0
  # still carry it as a package. Its own throwaway module must require only sdk/v3 (requiring pkg/v3
  # too raises sdk/v3 past v3.68.0, where the package is gone).
  local v="$LANGHOST_SDK_VERSION" w="$CACHE_ROOT/build/langhost-sdk-$LANGHOST_SDK_VERSION"
  mkdir -p "$w"
  cat > "$w/go.mod" <<GOMOD
module local/pulumi-langhost-build

go 1.24

require github.com/pulumi/pulumi/sdk/v3 $v
GOMOD
  cat > "$w/tools.go" <<'GO'
//go:build tools

package tools

import _ "github.com/pulumi/pulumi/sdk/v3/nodejs/cmd/pulumi-language-nodejs"
GO
  log "resolving Node.js language host (sdk/v3 $v)"
  (cd "$w" && go mod tidy >&2) || return 1
  log "building Node.js language host (about 40 s)"
  # A real file beside pulumi (not a symlink), or every run warns about a host found on PATH.
  (cd "$w" && go build -trimpath -ldflags "-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=$v" \
    -o "$BIN/pulumi-language-nodejs.tmp" github.com/pulumi/pulumi/sdk/v3/nodejs/cmd/pulumi-language-nodejs >&2) || return 1
  mv -f "$BIN/pulumi-language-nodejs.tmp" "$BIN/pulumi-language-nodejs"
}

[ -x "$BIN/pulumi" ] || build_cli
# Caches from earlier versions were marked "language host unavailable": build it now.
rm -f "$BIN/.langhost-unavailable"
if [ ! -x "$BIN/pulumi-language-nodejs" ]; then
  build_langhost || { log "could not build the Node.js language host; see the log above"; exit 1; }
fi
write_dynamic_host "$BIN"
log "pulumi $("$BIN/pulumi" version) ready in $BIN"
echo "$BIN"
