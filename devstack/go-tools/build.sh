#!/usr/bin/env bash
# Builds the project's Go-only servers and tools ONCE into <repo>/.tools and reuses them.
#
#   devstack/go-tools/build.sh kube promtool ...   # build (or reuse) these tools
#   devstack/go-tools/build.sh --list              # what can be built, with pinned versions
#   devstack/go-tools/build.sh --force kube        # rebuild even though the marker exists
#
# Each tool is a small Go module in devstack/go-tools/<tool>/ whose go.mod/go.sum pin
# the exact versions. A tool is built into .tools/<tool>-<version>/bin/, a marker
# .tools/<tool>-<version>/.installed is written last, and .tools/bin/<binary> becomes a
# relative symlink to it. With the marker present a run does nothing (no go command
# runs). Needs nothing but Go (1.26.x; GOTOOLCHAIN=local unless a tool says otherwise)
# and the Go module proxy; uses the default GOMODCACHE/GOCACHE (override them in the
# environment as usual). Build times, sizes and how to run each binary: README.md.
#
# Environment: GO_TOOLS_DIR (default <repo>/.tools), GO_TOOLS_NICE (default 10: the
# build runs under `nice` so it leaves the machine usable; 0 turns that off).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
TOOLS_DIR="${GO_TOOLS_DIR:-$ROOT/.tools}"
NICE="${GO_TOOLS_NICE:-10}"

log() { echo "[go-tools] $*" >&2; }
die() { log "error: $*"; exit 1; }

# modver DIR MODULE: the version of MODULE that DIR/go.mod requires (the pin).
modver() {
  local v
  v="$(awk -v m="$2" '($1=="require" && $2==m){print $3; exit} ($1==m && $2!="=>"){print $2; exit}' "$1/go.mod")"
  [[ -n "$v" ]] || die "$1/go.mod does not require $2"
  echo "$v"
}

# gobuild MODDIR OUT PKG [go build flags...]: one binary, reproducible flags.
gobuild() {
  local moddir="$1" out="$2" pkg="$3"; shift 3
  local nicecmd=()
  [[ "$NICE" != 0 ]] && command -v nice >/dev/null && nicecmd=(nice -n "$NICE")
  (cd "$moddir" && "${nicecmd[@]}" go build -trimpath -o "$out" "$@" "$pkg")
}

# ---------------------------------------------------------------------------------
# Tool definitions. Each tool_<name> function sets:
#   VERSION   directory suffix (from the go.mod pin)
#   BINARIES  names that end up in .tools/bin
#   MINUTES   rough first-build time on a 2-core machine with empty Go caches
#   GOTC      GOTOOLCHAIN for this tool (local = the installed Go)
#   CGO       CGO_ENABLED for its build (0 unless the tool needs C: Tilt's tree-sitter does)
# and build_<name> OUT builds into OUT/bin (OUT is a fresh temporary directory).
# ---------------------------------------------------------------------------------

tool_kube() {
  VERSION="$(modver "$HERE/kube" k8s.io/kubernetes)"; VERSION="${VERSION#v}"
  BINARIES=(kube-apiserver kubectl etcd); MINUTES=7; GOTC=local
}
build_kube() {
  local out="$1" d="$HERE/kube" kv ev minor vars="" p
  kv="$(modver "$d" k8s.io/kubernetes)"; ev="$(modver "$d" go.etcd.io/etcd/server/v3)"
  minor="${kv#v1.}"; minor="${minor%%.*}"
  # what hack/lib/version.sh sets; without it the binaries report v0.0.0
  for p in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    vars+=" -X $p.gitVersion=$kv -X $p.gitMajor=1 -X $p.gitMinor=$minor -X $p.gitTreeState=clean"
  done
  # providerless: the in-tree cloud providers need modules the proxy does not serve
  gobuild "$d" "$out/bin/kube-apiserver" k8s.io/kubernetes/cmd/kube-apiserver -tags=providerless -ldflags="-s -w$vars"
  gobuild "$d" "$out/bin/kubectl" k8s.io/kubernetes/cmd/kubectl -tags=providerless -ldflags="-s -w$vars"
  gobuild "$d" "$out/bin/etcd" go.etcd.io/etcd/server/v3 -ldflags="-s -w"
  echo "etcd $ev" >>"$out/VERSIONS"
}

tool_promtool() {
  VERSION="$(modver "$HERE/promtool" github.com/prometheus/prometheus)"
  # module v0.3XX.Y is Prometheus 3.XX.Y
  VERSION="${VERSION#v0.3}"; VERSION="3.$((10#${VERSION%%.*})).${VERSION#*.}"
  BINARIES=(promtool); MINUTES=7; GOTC=local
}
build_promtool() {
  local out="$1" p=github.com/prometheus/common/version
  gobuild "$HERE/promtool" "$out/bin/promtool" github.com/prometheus/prometheus/cmd/promtool \
    -tags=netgo -ldflags="-s -w -X $p.Version=$VERSION"
}

tool_jaeger() {
  VERSION="$(modver "$HERE/jaeger" github.com/jaegertracing/jaeger)"; VERSION="${VERSION#v}"
  BINARIES=(jaeger); MINUTES=7; GOTC=local
}
build_jaeger() {
  local out="$1" p=github.com/jaegertracing/jaeger/internal/version
  # module v1.75.0 is the release tagged v1.75.0/v2.12.0 (cmd/jaeger is the v2 binary).
  # The UI assets are not in the module zip: the UI serves Jaeger's placeholder page (README).
  gobuild "$HERE/jaeger" "$out/bin/jaeger" github.com/jaegertracing/jaeger/cmd/jaeger \
    -ldflags="-s -w -X $p.latestVersion=v2.12.0 -X $p.commitSHA=module-v$VERSION"
}

tool_temporal-server() {
  VERSION="$(modver "$HERE/temporal-server" go.temporal.io/server)"; VERSION="${VERSION#v}"
  BINARIES=(temporal-server temporal-sql-tool); MINUTES=12; GOTC=local
}
build_temporal-server() {
  local out="$1" d="$HERE/temporal-server" src
  gobuild "$d" "$out/bin/temporal-server" go.temporal.io/server/cmd/server -ldflags="-s -w"
  gobuild "$d" "$out/bin/temporal-sql-tool" go.temporal.io/server/cmd/tools/sql -ldflags="-s -w"
  # the sql tool needs the versioned schema folders: copy them out of the module cache
  src="$(cd "$d" && go list -m -f '{{.Dir}}' go.temporal.io/server)"
  mkdir -p "$out/schema/postgresql"
  cp -R "$src/schema/postgresql/v12" "$out/schema/postgresql/"
  chmod -R u+w "$out/schema"
}

# Own code (no upstream module): the version is a hash of its sources.
tool_tiltfile-check() {
  VERSION="src-$(cat "$HERE/tiltfile-check/"go.{mod,sum} "$HERE/tiltfile-check/"*.go | sha256sum | cut -c1-12)"
  BINARIES=(tiltfile-check); MINUTES=1; GOTC=local
}
build_tiltfile-check() {
  gobuild "$HERE/tiltfile-check" "$1/bin/tiltfile-check" . -ldflags="-s -w"
}

# Tilt itself: the proxy refuses to list github.com/tilt-dev/tilt's versions, but serves
# v0.34.0 when asked for it by name (devstack/go-tools/README.md).
tool_tilt() {
  VERSION="$(modver "$HERE/tilt" github.com/tilt-dev/tilt)"; VERSION="${VERSION#v}"
  BINARIES=(tilt); MINUTES=10; GOTC=local; CGO=1
}
build_tilt() {
  # main.version and main.date are what Tilt's release build (goreleaser) sets.
  gobuild "$HERE/tilt" "$1/bin/tilt" github.com/tilt-dev/tilt/cmd/tilt \
    -ldflags="-s -w -X main.version=$VERSION -X main.date=module-v$VERSION"
}

# --------------------------------------------------------------------------------
usage() {
  sed -n '2,6p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2
  exit 2
}

TOOLS_ALL=(kube promtool jaeger temporal-server tiltfile-check tilt)

list() {
  local t
  for t in "${TOOLS_ALL[@]}"; do
    "tool_$t"
    printf '%-16s %-18s %s\n' "$t" "$VERSION" "${BINARIES[*]}"
  done
}

# ensure_links TOOL: .tools/bin/<binary> -> ../<tool>-<version>/bin/<binary> (relative)
ensure_links() {
  local dir="$1" b target
  mkdir -p "$TOOLS_DIR/bin"
  for b in "${BINARIES[@]}"; do
    target="../$dir/bin/$b"
    [[ "$(readlink "$TOOLS_DIR/bin/$b" 2>/dev/null || true)" == "$target" ]] && continue
    ln -sfn "$target" "$TOOLS_DIR/bin/$b"
  done
}

build_one() {
  local t="$1" force="$2" dir final start
  declare -F "tool_$t" >/dev/null || die "unknown tool '$t' (known: ${TOOLS_ALL[*]})"
  CGO=0
  "tool_$t"
  dir="$t-$VERSION"; final="$TOOLS_DIR/$dir"
  if [[ "$force" == 0 && -f "$final/.installed" ]]; then
    ensure_links "$dir"
    return 0
  fi
  command -v go >/dev/null || die "go is not on PATH (Go 1.26 is needed)"
  mkdir -p "$TOOLS_DIR"
  # one build per tool at a time (parallel CI jobs): wait for the other, then reuse it
  if command -v flock >/dev/null; then
    exec 9>"$TOOLS_DIR/.$dir.lock"
    flock 9
    if [[ "$force" == 0 && -f "$final/.installed" ]]; then
      exec 9>&-
      ensure_links "$dir"
      return 0
    fi
  fi
  log "building $t $VERSION (first time takes ~$MINUTES min)"
  BUILD_TMP="$(mktemp -d "$TOOLS_DIR/.$dir.tmp.XXXXXX")"
  trap 'rm -rf "$BUILD_TMP"' EXIT
  local tmp="$BUILD_TMP"
  chmod 755 "$tmp"; mkdir -p "$tmp/bin"
  start=$SECONDS
  (
    export CGO_ENABLED="$CGO" GOTOOLCHAIN="$GOTC" GOFLAGS=-buildvcs=false
    "build_$t" "$tmp"
  )
  {
    echo "tool=$t version=$VERSION"
    [[ -f "$tmp/VERSIONS" ]] && cat "$tmp/VERSIONS"
    echo "built=$(date -u +%Y-%m-%dT%H:%M:%SZ) seconds=$((SECONDS - start)) by=$(GOTOOLCHAIN=$GOTC go env GOVERSION)"
  } >"$tmp/.installed.new"
  rm -f "$tmp/VERSIONS"
  rm -rf "$final"
  mv "$tmp/.installed.new" "$tmp/.installed"
  mv -T "$tmp" "$final"
  trap - EXIT
  exec 9>&-
  ensure_links "$dir"
  log "built $t $VERSION in $((SECONDS - start)) s -> ${final#"$ROOT"/}/bin"
}

main() {
  local force=0 t
  [[ $# -gt 0 ]] || usage
  case "$1" in
    --list) list; return ;;
    -h|--help) usage ;;
    --force) force=1; shift ;;
  esac
  [[ $# -gt 0 ]] || usage
  for t in "$@"; do build_one "$t" "$force"; done
}

main "$@"; exit $?
