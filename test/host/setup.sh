#!/usr/bin/env bash
# Installs what the integration and E2E tests need, offline-friendly (only apt and the npm registry):
#   - Debian chromium (+ fonts) for Playwright, when /usr/bin/chromium is missing
#   - code-server 4.100.3 (= VS Code 1.100.3) into a cache folder outside the repo
# Idempotent: a second run only checks and returns (well under a second).
# Env: SEQLAB_CODE_SERVER_DIR (default ~/.cache/seqlab/code-server-4.100.3)
set -euo pipefail
CS_VERSION=4.100.3
CS_DIR=${SEQLAB_CODE_SERVER_DIR:-$HOME/.cache/seqlab/code-server-$CS_VERSION}
CS_BIN="$CS_DIR/node_modules/.bin/code-server"
t0=$(date +%s)
log() { echo "[setup +$(( $(date +%s) - t0 ))s] $*"; }
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

# code-server's native modules (node-pty, kerberos, native-keymap, @vscode/spdlog) build from source;
# chromium's fonts keep screenshots readable; ripgrep seeds @vscode/ripgrep's download.
APT_PKGS=(chromium fonts-liberation fonts-dejavu-core ripgrep build-essential python3 pkg-config
  libkrb5-dev libx11-dev libxkbfile-dev libsecret-1-dev)
need_cs=1
[ -x "$CS_BIN" ] && [ -f "$CS_DIR/.seqlab-ok" ] && need_cs=0
missing=()
for p in "${APT_PKGS[@]}"; do
  case $p in chromium|fonts-*) ;; *) [ $need_cs = 1 ] || continue ;; esac
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  log "apt-get install ${missing[*]}"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
[ -x /usr/bin/chromium ] || { echo "chromium missing after apt-get" >&2; exit 1; }

if [ $need_cs = 1 ]; then
  log "installing code-server@$CS_VERSION into $CS_DIR"
  mkdir -p "$CS_DIR"
  export TMPDIR="$CS_DIR/.tmp"   # @vscode/ripgrep looks for its download cache under TMPDIR
  # @vscode/ripgrep's postinstall downloads rg from GitHub: seed its cache with Debian's rg instead.
  # code-server 4.100.3 pins @vscode/ripgrep 1.15.11, which wants ripgrep-v13.0.0-10-<target>.tar.gz
  RGCACHE="$TMPDIR/vscode-ripgrep-cache-1.15.11"; mkdir -p "$RGCACHE" "$TMPDIR/rgsrc"
  cp /usr/bin/rg "$TMPDIR/rgsrc/rg"
  tar czf "$RGCACHE/ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz" -C "$TMPDIR/rgsrc" rg
  cd "$CS_DIR"
  [ -f package.json ] || echo '{"name":"seqlab-code-server-host","private":true}' > package.json
  # --unsafe-perm: code-server's postinstall refuses root without it.
  # npm_config_yes: node-pty's postinstall runs `npx node-gyp`, which otherwise waits for a TTY.
  # nodedir=/usr: Node headers from /usr/include/node, so node-gyp downloads nothing.
  npm_config_yes=true npm_config_nodedir=${npm_config_nodedir:-/usr} npm install --no-audit --no-fund \
    --unsafe-perm --foreground-scripts "code-server@$CS_VERSION" > "$CS_DIR/npm-install.log" 2>&1 \
    || { tail -40 "$CS_DIR/npm-install.log" >&2; exit 1; }
  "$CS_BIN" --config /dev/null --version   # --config: otherwise it writes ~/.config/code-server/config.yaml
  rm -rf "$TMPDIR"
  touch "$CS_DIR/.seqlab-ok"
fi
log "ready: chromium $(/usr/bin/chromium --version 2>/dev/null | awk '{print $2}'), code-server at $CS_BIN"
