#!/usr/bin/env bash
# Installs the real-editor test bed: Node 24 (npm package node@24) and code-server 4.139.1,
# into ${MCP_SSL_DOCTOR_TESTBED:-$HOME/.cache/mcp-ssl-doctor/testbed}. Skips what is already
# there and works. Shared by .ci/run and developers; test/integration/harness.ts reads the same path.
#
# Needs: npm on PATH, network access to the npm registry, and (for code-server's native modules)
# a C toolchain plus libkrb5-dev libx11-dev libxkbfile-dev libsecret-1-dev pkg-config.
# Prints the test bed folder on its last line.
set -euo pipefail

CODE_SERVER_VERSION=4.139.1
TESTBED="${MCP_SSL_DOCTOR_TESTBED:-$HOME/.cache/mcp-ssl-doctor/testbed}"
NODE24_PREFIX="$TESTBED/node24"
NODE24_BIN="$NODE24_PREFIX/node_modules/node/bin"
CS_PREFIX="$TESTBED/cs"
CS_ENTRY="$CS_PREFIX/node_modules/code-server/out/node/entry.js"

log() { printf '[testbed] %s\n' "$*" >&2; }

node24_works() {
  [[ -x "$NODE24_BIN/node" ]] && [[ "$("$NODE24_BIN/node" --version 2>/dev/null)" == v24.* ]]
}

code_server_works() {
  [[ -f "$CS_ENTRY" ]] || return 1
  local out home rc=0
  # HOME points at a throwaway folder: --version would otherwise write ~/.config/code-server.
  home="$(mktemp -d)"
  out="$(HOME="$home" PATH="$NODE24_BIN:$PATH" "$NODE24_BIN/node" "$CS_ENTRY" --version 2>/dev/null)" || rc=$?
  rm -rf "$home"
  [[ $rc -eq 0 && "$out" == *"$CODE_SERVER_VERSION "* ]]
}

mkdir -p "$TESTBED"

if node24_works; then
  log "Node $("$NODE24_BIN/node" --version) already in $NODE24_PREFIX"
else
  log "installing Node 24 (npm package node@24) into $NODE24_PREFIX"
  start=$SECONDS
  npm install --prefix "$NODE24_PREFIX" --no-audit --no-fund --loglevel=error node@24 >&2
  node24_works || { log "Node 24 install finished but $NODE24_BIN/node does not run"; exit 1; }
  log "Node $("$NODE24_BIN/node" --version) installed in $((SECONDS - start)) s"
fi

if code_server_works; then
  log "code-server $CODE_SERVER_VERSION already in $CS_PREFIX"
else
  case "$(uname -m)" in
    x86_64) arch=x64 ;;
    aarch64 | arm64) arch=arm64 ;;
    *) arch="$(uname -m)" ;;
  esac
  headers="$NODE24_PREFIX/node_modules/node/node_modules/node-linux-$arch"
  [[ -d "$headers/include" ]] || { log "Node 24 headers not found in $headers"; exit 1; }
  log "installing code-server $CODE_SERVER_VERSION into $CS_PREFIX (builds native modules, ~2-3 min)"
  start=$SECONDS
  # code-server's native modules must be built against Node 24, the runtime that will load them.
  PATH="$NODE24_BIN:$PATH" npm_config_nodedir="$headers" \
    npm install --prefix "$CS_PREFIX" --no-audit --no-fund --loglevel=error "code-server@$CODE_SERVER_VERSION" >&2
  code_server_works || { log "code-server install finished but '$CS_ENTRY --version' fails"; exit 1; }
  log "code-server $CODE_SERVER_VERSION installed in $((SECONDS - start)) s"
fi

echo "$TESTBED"
