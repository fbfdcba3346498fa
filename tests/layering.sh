#!/usr/bin/env bash
# Enforces the dependency direction of docs/architecture.md on the sources:
#   common   -> nothing of ours
#   registry -> common
#   dns      -> registry, common
#   http     -> registry, common
#   wrapper  -> common (an HTTP client of the agent: no registry, dns or http)
#   agent    -> everything
set -u
root=${1:-$(dirname "$0")/..}
cd "$root" || exit 2
fail=0
check() {  # check DIR FORBIDDEN-FOLDER...
  local dir=$1; shift
  for bad in "$@"; do
    hits=$(grep -rnE "#include \"$bad/" "$dir" --include='*.hpp' --include='*.cpp' 2>/dev/null)
    if [ -n "$hits" ]; then
      echo "layering: $dir/ must not include $bad/:"; echo "$hits"; fail=1
    fi
  done
}
check common registry dns http wrapper agent
check registry dns http wrapper agent
check dns http wrapper agent
check http dns wrapper agent
check wrapper registry dns http agent
# The wrapper library must not link the registry either.
if grep -nE 'roster_(registry|dns|http)' wrapper/CMakeLists.txt; then
  echo "layering: wrapper/ must not link roster_registry, roster_dns or roster_http"; fail=1
fi
if grep -nE 'roster_(dns|http|wrapper)' registry/CMakeLists.txt; then
  echo "layering: registry/ must not link dns, http or wrapper"; fail=1
fi
[ $fail -eq 0 ] && echo "layering: ok"
exit $fail
