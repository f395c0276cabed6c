#!/usr/bin/env bash
# Installs the optional native TensorFlow engine for SeqLab's tfjs backend: @tensorflow/tfjs-node 4.22.0,
# built from source against the TensorFlow 2.21 C API taken out of the tensorflow-cpu wheel (tfjs-node's own
# install script downloads libtensorflow 2.9.1 from Google storage, which is skipped here).
#
#   bash scripts/setup-tfjs-node.sh [DIR]        (npm run setup:tfjs-node)
#
# DIR defaults to $SEQLAB_TFJS_NODE_DIR, else <repo>/.tfjs-node (git-ignored). The trainer resolves
# DIR/node_modules/@tensorflow/tfjs-node at run time; nothing is added to the project's package.json.
# Idempotent: a DIR whose addon already loads is left alone (FORCE=1 rebuilds).
# Environment: TF_WHEEL=path/to/tensorflow_cpu-2.21.0-*.whl skips the download; PIP_INDEX_URL etc. as for pip.
# Needs: node >= 20, npm, python3 + pip, a C++ toolchain (g++, make) for node-gyp; ~2 GB free while building
# (the wheel is ~250 MB, the two libraries ~850 MB).
set -euo pipefail

TFJS_NODE_VERSION=4.22.0
TF_VERSION=2.21.0
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
DIR=${1:-${SEQLAB_TFJS_NODE_DIR:-$ROOT/.tfjs-node}}
T0=$(date +%s)

log() { printf '[setup-tfjs-node %3ss] %s\n' "$(( $(date +%s) - T0 ))" "$*"; }
die() { printf '[setup-tfjs-node] error: %s\n' "$*" >&2; exit 1; }

for tool in node npm python3; do command -v "$tool" >/dev/null || die "$tool not found on PATH"; done
mkdir -p "$DIR"
DIR=$(cd "$DIR" && pwd)
PKG=$DIR/node_modules/@tensorflow/tfjs-node

# 'tensorflow' once the addon and libtensorflow load (run outside any project so only DIR is searched)
probe() {
  (cd "$DIR" && node -e "
    const tf = require(require.resolve('@tensorflow/tfjs-node', { paths: [process.argv[1]] }));
    console.log(tf.getBackend() + ' (tfjs ' + tf.version.tfjs + ', libtensorflow ' + tf.backend().binding.TF_Version + ')');
  " "$DIR" 2>/dev/null)
}

log "target: $PKG"
if [ "${FORCE:-0}" != 1 ] && [ -d "$PKG" ] && got=$(probe) && [[ $got == tensorflow* ]]; then
  log "already installed and working: $got — nothing to do (FORCE=1 to rebuild)"
  exit 0
fi

command -v g++ >/dev/null && command -v make >/dev/null || die "a C++ toolchain (g++, make) is needed to compile the tfjs-node addon"

# 1. the tensorflow-cpu wheel (only its two shared libraries and the C-API headers are used)
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
if [ -n "${TF_WHEEL:-}" ]; then
  [ -f "$TF_WHEEL" ] || die "TF_WHEEL=$TF_WHEEL is not a file"
  WHL=$TF_WHEEL
  log "using wheel $WHL"
else
  log "pip download --no-deps tensorflow-cpu==$TF_VERSION (~250 MB)"
  if ! python3 -m pip download --no-deps --only-binary=:all: -q -d "$WORK" "tensorflow-cpu==$TF_VERSION" >&2; then
    die "pip could not fetch tensorflow-cpu==$TF_VERSION for this platform ($(uname -sm), $(python3 -V 2>&1)).
  Check the network / pip index (PIP_INDEX_URL), or download the wheel yourself and rerun with TF_WHEEL=/path/to/tensorflow_cpu-$TF_VERSION-*.whl"
  fi
  WHL=$(ls "$WORK"/tensorflow_cpu-*.whl 2>/dev/null | head -n1) || true
  [ -n "$WHL" ] || die "pip reported success but no tensorflow_cpu wheel is in $WORK"
  log "fetched $(basename "$WHL") ($(du -h "$WHL" | cut -f1))"
fi

# 2. tfjs-node's JavaScript only: --ignore-scripts skips its install.js (the libtensorflow 2.9.1 download)
cd "$DIR"
# a package.json of its own, so npm installs here and not into an enclosing project (npm init -y would
# reject a folder name such as .tfjs-node)
if [ ! -f package.json ]; then
  printf '{\n  "name": "seqlab-tfjs-node",\n  "private": true,\n  "description": "Optional native engine for SeqLab (scripts/setup-tfjs-node.sh)"\n}\n' > package.json
  log "created $DIR/package.json"
fi
log "npm install --ignore-scripts @tensorflow/tfjs-node@$TFJS_NODE_VERSION"
npm install --ignore-scripts --no-audit --no-fund --loglevel=error "@tensorflow/tfjs-node@$TFJS_NODE_VERSION"

# 3. libtensorflow_cc.so.2, libtensorflow_framework.so.2 and the headers the binding includes -> deps/
log "extracting libraries and C-API headers from the wheel into $PKG/deps"
rm -rf "$PKG/deps"
mkdir -p "$PKG/deps/lib" "$PKG/deps/include"
python3 - "$WHL" "$PKG/deps" <<'PY'
import sys, zipfile, os, shutil
whl, deps = sys.argv[1], sys.argv[2]
z = zipfile.ZipFile(whl)
libs = {'tensorflow/libtensorflow_cc.so.2', 'tensorflow/libtensorflow_framework.so.2'}
hdr = ('tensorflow/include/tensorflow/c/', 'tensorflow/include/tensorflow/core/platform/ctstring',
       'tensorflow/include/tsl/platform/ctstring', 'tensorflow/include/xla/tsl/c/')
found = set()
for n in z.namelist():
    if n in libs: dst = os.path.join(deps, 'lib', os.path.basename(n)); found.add(n)
    elif n.startswith(hdr): dst = os.path.join(deps, 'include', n[len('tensorflow/include/'):])
    else: continue
    if n.endswith('/'): continue
    os.makedirs(os.path.dirname(dst), exist_ok=True)
    with z.open(n) as s, open(dst, 'wb') as d: shutil.copyfileobj(s, d)
missing = libs - found
if missing: sys.exit('wheel lacks ' + ', '.join(sorted(missing)))
PY
(
  cd "$PKG/deps/lib"
  ln -sf libtensorflow_cc.so.2 libtensorflow.so                  # binding.gyp links -ltensorflow
  ln -sf libtensorflow_framework.so.2 libtensorflow_framework.so # ... and -ltensorflow_framework
  ln -sf libtensorflow_cc.so.2 libtensorflow.so.2.9.1            # install.js checks this name: present => no download
)

# 4. compile the N-API addon; its RUNPATH $ORIGIN/../../deps/lib finds the .so.2 files
log "npm rebuild @tensorflow/tfjs-node --build-from-source (node-gyp)"
npm rebuild @tensorflow/tfjs-node --build-from-source --foreground-scripts --loglevel=error

# 5. check
got=$(probe) || die "the addon was built but does not load; run: (cd '$DIR' && node -e \"require('@tensorflow/tfjs-node')\")"
[[ $got == tensorflow* ]] || die "tfjs-node loaded but its backend is '$got', not 'tensorflow'"
addon=$(find "$PKG/lib" -name tfjs_binding.node | head -n1)
log "addon $(du -h "$addon" | cut -f1), libraries $(du -chL "$PKG"/deps/lib/*.so.2 | tail -n1 | cut -f1)"
log "done: $got"
log "the tfjs backend now runs on it from $DIR (set SEQLAB_TFJS_NODE_DIR=$DIR when it is not <repo>/.tfjs-node)"
