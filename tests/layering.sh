#!/usr/bin/env bash
# Enforces the dependency direction of docs/architecture.md on the sources:
#   common   -> nothing of ours
#   registry -> common
#   checks   -> registry, common (runs HTTP/TCP/script checks; no dns, http or agent)
#   gossip   -> registry, common (membership, replica, crypto; only agent includes gossip)
#     (gossip/net, the agent's UDP/TCP shell, is under the same rule: Asio via common/net.hpp)
#   dns      -> registry, common
#   http     -> registry, common
#   client   -> common (how subcommands reach an agent over HTTP)
#   wrapper  -> client, common (an HTTP client of the agent: no registry, dns or http)
#   cli      -> client, common (likewise)
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
check common registry dns http client wrapper cli agent checks
check registry dns http client wrapper cli agent checks
check checks dns http client wrapper cli agent
check dns http client wrapper cli agent checks
check http dns client wrapper cli agent checks
check client registry dns http wrapper cli agent checks
check wrapper registry dns http cli agent checks
check cli registry dns http wrapper agent checks
check gossip dns http client wrapper cli agent checks
for d in common registry checks dns client wrapper cli; do check $d gossip; done
# http may use the keyring operations' types (gossip/crypto/) for
# /v1/operator/keyring, nothing else of gossip.
if grep -rnE '#include "gossip/' http --include='*.hpp' --include='*.cpp' | grep -v '"gossip/crypto/'; then
  echo "layering: http/ must not include gossip/ (except gossip/crypto/)"; fail=1
fi
# The wrapper library must not link the registry either.
for d in client wrapper cli; do
  if [ -f $d/CMakeLists.txt ] && grep -nE 'roster_(registry|dns|http|agent)' $d/CMakeLists.txt; then
    echo "layering: $d/ must not link roster_registry, roster_dns, roster_http or roster_agent"; fail=1
  fi
done
if [ -f checks/CMakeLists.txt ] && grep -nE 'roster_(dns|http|wrapper|client|cli|agent)' checks/CMakeLists.txt; then
  echo "layering: checks/ must not link dns, http, client, wrapper, cli or agent"; fail=1
fi
if grep -nE 'roster_(dns|http|wrapper)' registry/CMakeLists.txt; then
  echo "layering: registry/ must not link dns, http or wrapper"; fail=1
fi
[ $fail -eq 0 ] && echo "layering: ok"
exit $fail
