#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR
# Write the gateway's connection profile for the nano network (the file ACETRACE_CONNECTION_PROFILE
# points at): channel, chaincode, peer0 of Org1 and Org2 with their TLS CA certificates, and every
# identity enrolled by identities.sh.
#   connection.sh [OUT]   (default ${ACETRACE_NANO_DATA_DIR}/connection.json)
set -euo pipefail
# shellcheck source=env.sh
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/env.sh"

require_cmd node "Node.js writes the JSON."
out="$(abs_path "${1:-${NANO_DIR}/connection.json}")"
peers=""
for org in org1 org2; do
  peers+="$(org_msp "$org")	localhost:$(org_peer_port "$org")	peer0.${org}.example.com	$(org_peer_tls_ca "$org")"$'\n'
done
write_connection_profile "$out" "$peers" "${NANO_DIR}/identities/org1" "${NANO_DIR}/identities/org2"

cat >&2 <<MSG
[acetrace] gateway:        export ACETRACE_CONNECTION_PROFILE=${out}
[acetrace] fabric tests:   export ACETRACE_FABRIC_CONNECTION_PROFILE=${out}
MSG
