#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR
# Deploy the acetrace chaincode (TypeScript, built by test-network's packageCC step) to the
# channel with Fabric's chaincode lifecycle: package, install on both peers, approve for Org1 and
# Org2, commit.
#   deploy.sh [--version 1.0] [--sequence 1] [--policy "OR('Org1MSP.peer','Org2MSP.peer')"]
# The endorsement policy (ACETRACE_CC_POLICY) lets a transaction be endorsed by any one peer of
# either organisation; see network/README-fabric.md for the stricter AND alternative.
# Upgrades use the same command with a higher --sequence: see upgrade.sh.
set -euo pipefail
# shellcheck source=env.sh
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/env.sh"

version="1.0"
sequence="1"
policy="$ACETRACE_CC_POLICY"
while [[ $# -gt 0 ]]; do
  case "$1" in
    --version) version="${2:?--version needs a value}"; shift 2 ;;
    --sequence) sequence="${2:?--sequence needs a value}"; shift 2 ;;
    --policy) policy="${2:?--policy needs a value}"; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) die "unknown argument $1 (see --help)" ;;
  esac
done
[[ "$sequence" =~ ^[1-9][0-9]*$ ]] || die "--sequence must be a positive integer, got '${sequence}'"

require_cmd peer "install the Fabric binaries into ${FABRIC_SAMPLES_DIR}/bin (install-fabric.sh binary)."
require_cmd npm "deployCC builds the TypeScript chaincode with npm."

log "deploying ${ACETRACE_CC_NAME} version ${version} sequence ${sequence} on '${ACETRACE_CHANNEL}', policy ${policy}"
(cd "$TN_DIR" && ./network.sh deployCC -c "$ACETRACE_CHANNEL" -ccn "$ACETRACE_CC_NAME" \
  -ccp "${ACETRACE_REPO_ROOT}/chaincode" -ccl typescript \
  -ccv "$version" -ccs "$sequence" -ccep "$policy")

use_org_admin org1
peer lifecycle chaincode querycommitted -C "$ACETRACE_CHANNEL" -n "$ACETRACE_CC_NAME"
log "chaincode committed. Next: network/test-network/connection.sh"
