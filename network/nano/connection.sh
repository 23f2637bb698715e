#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR
# Write the gateway's connection profile for the nano network (the file ACETRACE_CONNECTION_PROFILE
# points at): channel, chaincode, peer0 of Org1 and Org2 with their TLS CA certificates, and every
# identity enrolled by identities.sh.
#   connection.sh [OUT]   (default ${ACETRACE_NANO_DATA_DIR}/connection.json)
set -euo pipefail
# shellcheck source=env.sh
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/env.sh"

case "${1:-}" in -h|--help) usage; exit 0 ;; esac
write_network_profile "${1:-}"
