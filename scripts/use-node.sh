# Source this file: it puts Node 22.19 or later (undici's floor) first on PATH. Where the machine's Node is
# older, it installs Node 24 from the npm registry (the `node` package ships the binary)
# into a cache folder once and reuses it.
m3c_cache="${XDG_CACHE_HOME:-$HOME/.cache}/matrix-3pid-conformance"
m3c_recent=$(node -p 'const [a, b] = process.versions.node.split(".").map(Number); a > 22 || (a === 22 && b >= 19) ? 1 : 0' 2>/dev/null || echo 0)
if [ "$m3c_recent" != 1 ]; then
  if ! "$m3c_cache/node24/node_modules/.bin/node" --version >/dev/null 2>&1; then
    echo "use-node: Node $(node --version 2>/dev/null || echo none) is too old; installing Node 24 into $m3c_cache/node24" >&2
    mkdir -p "$m3c_cache/node24"
    npm install --prefix "$m3c_cache/node24" --no-save --no-audit --no-fund node@24 >&2
  fi
  export PATH="$m3c_cache/node24/node_modules/.bin:$PATH"
fi
unset m3c_recent m3c_cache
