#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR
# Stop test-network and remove its containers and volumes (network.sh down): the ledger and the
# CAs are gone, so the identities and connection.json in ACETRACE_FABRIC_DATA_DIR are removed too.
set -euo pipefail
# shellcheck source=env.sh
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/env.sh"

(cd "$TN_DIR" && ./network.sh down)
case "$ACETRACE_FABRIC_DATA_DIR" in
  ""|/) die "refusing to remove '${ACETRACE_FABRIC_DATA_DIR}'" ;;
esac
rm -rf -- "$ACETRACE_FABRIC_DATA_DIR"
log "test-network stopped; removed ${ACETRACE_FABRIC_DATA_DIR}"
