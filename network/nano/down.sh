#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR
# Stop every process up.sh and deploy.sh started, each by the PID in its pid file (chaincode
# servers first, then peers, orderer, CAs). Data stays, so up.sh and deploy.sh start the same
# network again; with --purge the data folder (ledgers, crypto, identities) is removed too.
#   down.sh [--purge]
set -euo pipefail
# shellcheck source=env.sh
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/env.sh"

purge=0
case "${1:-}" in
  "") ;;
  --purge) purge=1 ;;
  -h|--help) usage; exit 0 ;;
  *) die "unknown argument $1 (see --help)" ;;
esac

if [[ -d "$PID_DIR" ]]; then
  for name in chaincode-org1 chaincode-org2 peer0-org1 peer0-org2 orderer ca-org1 ca-org2 ca-orderer; do
    stop_process "$name"
  done
  # Anything else with a pid file (none expected) is stopped the same way.
  for file in "$PID_DIR"/*.pid; do
    [[ -f "$file" ]] && stop_process "$(basename "$file" .pid)"
  done
fi
if [[ "$purge" == 1 ]]; then
  case "$NANO_DIR" in ""|/) die "refusing to remove '${NANO_DIR}'" ;; esac
  rm -rf -- "$NANO_DIR"
  log "removed ${NANO_DIR}"
fi
log "nano network stopped"
