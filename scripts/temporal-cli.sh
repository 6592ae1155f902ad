#!/usr/bin/env bash
# Prints the path of a Temporal CLI binary on stdout (and nothing else).
#
# Looks, in order, at:
#   1. $TEMPORAL_CLI_PATH            (explicit override; must be executable)
#   2. `temporal` on PATH
#   3. ${ASSAY_CACHE:-$HOME/.cache/assay}/bin/temporal
# and otherwise builds it from source with the Go toolchain:
#   GOBIN=<cache>/bin go install github.com/temporalio/cli/cmd/temporal@<version>
# All progress goes to stderr. Concurrent callers serialise on a lock file, so
# only one build ever runs at a time.
#
# With --optional, a machine with neither a CLI nor Go is not an error (prints nothing): `npm start` and
# `npm test` then let @temporalio/testing download the dev server.
#
# Env: TEMPORAL_CLI_PATH, ASSAY_CACHE, TEMPORAL_CLI_VERSION (default v1.5.1).
set -euo pipefail

optional=false
[[ "${1:-}" == "--optional" ]] && optional=true

TEMPORAL_CLI_VERSION="${TEMPORAL_CLI_VERSION:-v1.5.1}"
CACHE_DIR="${ASSAY_CACHE:-$HOME/.cache/assay}"
BIN_DIR="$CACHE_DIR/bin"
CACHED="$BIN_DIR/temporal"

log() { printf '[temporal-cli] %s\n' "$*" >&2; }

find_existing() {
  if [[ -n "${TEMPORAL_CLI_PATH:-}" ]]; then
    if [[ -x "$TEMPORAL_CLI_PATH" && ! -d "$TEMPORAL_CLI_PATH" ]]; then
      printf '%s\n' "$TEMPORAL_CLI_PATH"
      return 0
    fi
    log "TEMPORAL_CLI_PATH=$TEMPORAL_CLI_PATH is not an executable file; looking elsewhere"
  fi
  local on_path
  if on_path="$(command -v temporal 2>/dev/null)" && [[ -n "$on_path" ]]; then
    printf '%s\n' "$on_path"
    return 0
  fi
  if [[ -x "$CACHED" ]]; then
    printf '%s\n' "$CACHED"
    return 0
  fi
  return 1
}

if find_existing; then
  exit 0
fi

if ! command -v go >/dev/null 2>&1; then
  if $optional; then
    log "no Temporal CLI and no Go toolchain: @temporalio/testing will download the dev server."
    exit 0
  fi
  log "no Temporal CLI found and no Go toolchain on PATH to build one."
  log "install Go (>= 1.21, so it can fetch the toolchain the CLI needs) or set TEMPORAL_CLI_PATH."
  exit 1
fi

mkdir -p "$BIN_DIR"
exec 9>"$BIN_DIR/.temporal-install.lock"
log "waiting for the install lock ($BIN_DIR/.temporal-install.lock)…"
flock 9

# Another process may have finished the build while we waited for the lock.
if [[ -x "$CACHED" ]]; then
  printf '%s\n' "$CACHED"
  exit 0
fi

log "building github.com/temporalio/cli/cmd/temporal@$TEMPORAL_CLI_VERSION into $BIN_DIR (takes several minutes on a cold Go cache)…"
start=$SECONDS
# GOTOOLCHAIN=auto lets an older local Go fetch the toolchain version the CLI's go.mod asks for
# (the toolchain is itself a module served by the Go module proxy).
if ! GOBIN="$BIN_DIR" GOTOOLCHAIN="${GOTOOLCHAIN:-auto}" go install "github.com/temporalio/cli/cmd/temporal@$TEMPORAL_CLI_VERSION" 1>&2; then
  log "go install failed"
  exit 1
fi
if [[ ! -x "$CACHED" ]]; then
  log "go install succeeded but $CACHED is missing"
  exit 1
fi
log "built $CACHED in $((SECONDS - start)) s"
printf '%s\n' "$CACHED"
