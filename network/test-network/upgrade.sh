#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR
# Deploy a new version of the acetrace chaincode on the running network, keeping the ledger:
#   upgrade.sh --version 1.1 [--sequence N] [--policy ...]
# Without --sequence, the next sequence is read from the committed definition (current + 1).
# The world state, history and blocks stay: a new chaincode definition only changes which code
# (package) and policy the peers use for the same chaincode name from the next transaction on.
set -euo pipefail
# shellcheck source=env.sh
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/env.sh"

parse_deploy_args "$@"
[[ -n "$DEPLOY_VERSION" ]] || die "--version is required (the label of the new package, e.g. 1.1)"
require_cmd peer "install the Fabric binaries into ${FABRIC_SAMPLES_DIR}/bin (install-fabric.sh binary)."
use_org_admin "${ACETRACE_ORGS[0]}"
current="$(committed_sequence)"
(( current > 0 )) || die "no committed definition of ${ACETRACE_CC_NAME} on ${ACETRACE_CHANNEL} (run deploy.sh first)"
log "upgrading ${ACETRACE_CC_NAME}: sequence ${current} -> ${DEPLOY_SEQUENCE:-$((current + 1))}, version ${DEPLOY_VERSION}; ledger data is kept"
deploy_chaincode
