# Shared by scripts/run and scripts/test: install what is missing, configure, build.
# shellcheck shell=bash

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD_DIR=${ROSTER_BUILD_DIR:-$ROOT/build}

# Debian packages needed to build roster.
BUILD_PACKAGES=(cmake ninja-build ccache g++ pkg-config
  libboost-dev libboost-program-options-dev libboost-filesystem-dev libboost-system-dev
  libldns-dev libc-ares-dev rapidjson-dev libssl-dev libgtest-dev)
# Debian packages the test suites drive as real clients, by area (one line
# each, so areas can grow without touching each other).
TEST_PACKAGES=(bind9-dnsutils python3 python3-consul netcat-openbsd dnsmasq-base procps)
TEST_PACKAGES+=(knot-dnsutils unbound haproxy)  # dns
TEST_PACKAGES+=(prometheus)  # http
TEST_PACKAGES+=(supervisor iproute2 util-linux)  # wrapper
TEST_PACKAGES+=(openssl)  # checks (a self-signed certificate for the HTTPS check)

log() { printf '==> %s\n' "$*" >&2; }

# ensure_packages PKG...: apt-get install only what is not installed yet.
ensure_packages() {
  local missing=()
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  log "installing Debian packages: ${missing[*]}"
  local sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
}

# configure_and_build [TARGET...]: Release build with Ninja and ccache.
configure_and_build() {
  if [ ! -f "$BUILD_DIR/build.ninja" ]; then
    log "configuring $BUILD_DIR"
    cmake -S "$ROOT" -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=Release -DROSTER_BUILD_TESTS=ON
  else
    cmake -S "$ROOT" -B "$BUILD_DIR" -DROSTER_BUILD_TESTS=ON >/dev/null
  fi
  log "building"
  ninja -C "$BUILD_DIR" "$@"
}
