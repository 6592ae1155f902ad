#!/usr/bin/env bash
# Validates docker-compose.yml (schema, interpolation, depends_on graph, build context) without a
# Docker engine, using Debian's docker-compose (installed with apt-get if missing).
#
#   scripts/validate-compose.sh [path/to/docker-compose.yml]
#   COMPOSE_VERBOSE=1 scripts/validate-compose.sh   # also print the resolved configuration
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
FILE="${1:-$ROOT/docker-compose.yml}"

log() { printf '[validate-compose] %s\n' "$*" >&2; }

if ! command -v docker-compose >/dev/null 2>&1; then
  if [[ $EUID -ne 0 ]]; then
    log "docker-compose not found; install it (apt-get install docker-compose) and retry"
    exit 1
  fi
  log "installing docker-compose with apt-get"
  DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends docker-compose >&2
fi

[[ -f "$FILE" ]] || { log "no such file: $FILE"; exit 1; }

# `config` only parses and resolves the file; point DOCKER_HOST at a socket that does not exist
# so that nothing can reach (or wait for) an engine.
export DOCKER_HOST="unix:///nonexistent/docker.sock"
cd "$(dirname "$FILE")"
if [[ -n "${COMPOSE_VERBOSE:-}" ]]; then
  docker-compose -f "$FILE" config
else
  docker-compose -f "$FILE" config -q
fi
services="$(docker-compose -f "$FILE" config --services | tr '\n' ' ')"
log "ok: $FILE ($(docker-compose version --short)); services: ${services% }"
