#!/usr/bin/env bash
# Entry point of `npm run up|down|test` on a fresh clone with nothing
# installed: installs node_modules and the tools (install-tools.sh), builds,
# then starts the stack, stops it, or runs the whole test suite.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

cmd="${1:-}"
[ $# -gt 0 ] && shift

# npm ci when node_modules is missing or older than the lock file.
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  ci_log="$(mktemp)"
  if ! npm ci --no-audit --no-fund >"$ci_log" 2>&1; then
    # The npm registry reachable from these machines serves only this
    # platform's builds of native optional packages (e.g. @swc/core-darwin-*
    # answer 404), so a lock file written here lacks them and `npm ci`
    # refuses it as out of sync. `npm install --no-save` installs the same
    # locked versions without rewriting package-lock.json.
    reason="$( (grep -m1 'Missing: ' "$ci_log" || grep -m1 'npm error' "$ci_log" || true) | cut -c1-160)"
    echo "[run] npm ci refused (${reason:-see above}); installing the locked versions with npm install --no-save" >&2
    if ! npm install --no-audit --no-fund --no-save; then
      echo "[run] npm ci output:" >&2
      tail -n 30 "$ci_log" >&2
      rm -f "$ci_log"
      exit 1
    fi
  else
    cat "$ci_log"
  fi
  rm -f "$ci_log"
fi

bash devstack/install-tools.sh

case "$cmd" in
  up)
    # Already up: let up.js say so without rebuilding under the running services.
    if [ -f dist/devstack/up.js ] && node -e "fetch('http://127.0.0.1:'+(8080+Number(process.env.DEV_PORT_OFFSET||0))+'/readyz',{signal:AbortSignal.timeout(2000)}).then((r)=>process.exit(r.ok?0:1),()=>process.exit(1))"; then
      exec node dist/devstack/up.js "$@"
    fi
    npm run build
    exec node dist/devstack/up.js "$@"
    ;;
  down)
    [ -f dist/devstack/down.js ] || npm run build
    exec node dist/devstack/down.js "$@"
    ;;
  test)
    # test/k8s runs a real kube-apiserver + etcd and kubectl, and evaluates the Tiltfile with
    # Tilt and tiltfile-check: pinned Go builds, made once into .tools/ (the first kube and
    # tilt builds take minutes, later runs find them and return at once; devstack/go-tools/README.md).
    bash devstack/go-tools/build.sh kube tiltfile-check tilt
    # The build is part of the suite: tests use the pre-built workflow bundle
    # (dist/workflow-bundle.js from services/worker/bundle.ts).
    npm run typecheck
    npm run build
    # The web app's pure logic (seat-map geometry, money, offline check-in...) in vitest.
    npm run web:test
    exec npx jest "$@"
    ;;
  *)
    echo "usage: bash devstack/run.sh up|down|test [args...]" >&2
    exit 2
    ;;
esac
