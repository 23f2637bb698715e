#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR
# Deploy a new version of the acetrace chaincode on the running network, keeping the ledger:
#   upgrade.sh --version 1.1 [--sequence N] [--policy ...]
# Without --sequence, the next sequence is read from the committed definition (current + 1).
# The world state, history and blocks stay: a new chaincode definition only changes which code
# (package) and policy the peers use for the same chaincode name from the next transaction on.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=env.sh
source "${here}/env.sh"

version=""
sequence=""
pass=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --version) version="${2:?--version needs a value}"; shift 2 ;;
    --sequence) sequence="${2:?--sequence needs a value}"; shift 2 ;;
    --policy) pass+=(--policy "${2:?--policy needs a value}"); shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) die "unknown argument $1 (see --help)" ;;
  esac
done
[[ -n "$version" ]] || die "--version is required (the label of the new package, e.g. 1.1)"

require_cmd peer "install the Fabric binaries into ${FABRIC_SAMPLES_DIR}/bin (install-fabric.sh binary)."
use_org_admin org1
committed="$(peer lifecycle chaincode querycommitted -C "$ACETRACE_CHANNEL" -n "$ACETRACE_CC_NAME" 2>&1)" \
  || die "no committed definition of ${ACETRACE_CC_NAME} on ${ACETRACE_CHANNEL} (run deploy.sh first): ${committed}"
current="$(printf '%s\n' "$committed" | sed -n 's/.*Sequence: \([0-9][0-9]*\).*/\1/p' | head -n 1)"
[[ -n "$current" ]] || die "could not read the committed sequence from: ${committed}"
if [[ -z "$sequence" ]]; then
  sequence=$((current + 1))
elif (( sequence != current + 1 )); then
  die "--sequence must be the committed sequence + 1 = $((current + 1)), got ${sequence}"
fi

log "upgrading ${ACETRACE_CC_NAME}: sequence ${current} -> ${sequence}, version ${version}; ledger data is kept"
"${here}/deploy.sh" --version "$version" --sequence "$sequence" ${pass[@]+"${pass[@]}"}
