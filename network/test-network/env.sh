# shellcheck shell=bash
# shellcheck source-path=SCRIPTDIR
# Settings for the fabric-samples test-network scripts (sourced, never run).
#   FABRIC_SAMPLES_DIR        a fabric-samples checkout with bin/ and config/ (required)
#   ACETRACE_FABRIC_DATA_DIR  where identities and connection.json go
#                             (default <repo>/.acetrace/test-network, ignored by git)

# shellcheck source=lib.sh
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib.sh"

[[ -n "${FABRIC_SAMPLES_DIR:-}" ]] || die "set FABRIC_SAMPLES_DIR to your fabric-samples checkout (the folder holding test-network/ and bin/)"
FABRIC_SAMPLES_DIR="$(cd "$FABRIC_SAMPLES_DIR" 2>/dev/null && pwd)" || die "FABRIC_SAMPLES_DIR does not exist"
TN_DIR="${FABRIC_SAMPLES_DIR}/test-network"
[[ -x "${TN_DIR}/network.sh" ]] || die "${TN_DIR}/network.sh not found: is FABRIC_SAMPLES_DIR a fabric-samples checkout?"
export PATH="${FABRIC_SAMPLES_DIR}/bin:${PATH}"
export FABRIC_CFG_PATH="${FABRIC_SAMPLES_DIR}/config"

ACETRACE_FABRIC_DATA_DIR="$(abs_path "${ACETRACE_FABRIC_DATA_DIR:-${ACETRACE_REPO_ROOT}/.acetrace/test-network}")"
TN_ORGS="${TN_DIR}/organizations"

# org_* ORG: per-organisation facts of test-network (org1 | org2).
org_msp() { case "$1" in org1) echo Org1MSP ;; org2) echo Org2MSP ;; *) die "unknown org $1" ;; esac; }
org_peer_endpoint() { case "$1" in org1) echo localhost:7051 ;; org2) echo localhost:9051 ;; *) die "unknown org $1" ;; esac; }
org_ca_url() { case "$1" in org1) echo https://localhost:7054 ;; org2) echo https://localhost:8054 ;; *) die "unknown org $1" ;; esac; }
org_ca_name() { echo "ca-$1"; }
org_peer_tls_ca() { echo "${TN_ORGS}/peerOrganizations/$1.example.com/tlsca/tlsca.$1.example.com-cert.pem"; }
# The CA's own TLS trust root: ca-cert.pem in current fabric-samples, tls-cert.pem in older ones.
org_ca_tls_cert() {
  local dir="${TN_ORGS}/fabric-ca/$1" f
  for f in "${dir}/ca-cert.pem" "${dir}/tls-cert.pem"; do
    [[ -f "$f" ]] && { echo "$f"; return 0; }
  done
  die "no CA certificate in ${dir}: was the network started with -ca (network/test-network/up.sh)?"
}

# use_org_admin ORG: peer CLI environment of the org's admin against its peer0 (as test-network's envVar.sh).
use_org_admin() {
  local org="$1"
  export CORE_PEER_TLS_ENABLED=true
  CORE_PEER_LOCALMSPID="$(org_msp "$org")"
  CORE_PEER_ADDRESS="$(org_peer_endpoint "$org")"
  export CORE_PEER_LOCALMSPID CORE_PEER_ADDRESS
  export CORE_PEER_TLS_ROOTCERT_FILE="${TN_ORGS}/peerOrganizations/${org}.example.com/peers/peer0.${org}.example.com/tls/ca.crt"
  export CORE_PEER_MSPCONFIGPATH="${TN_ORGS}/peerOrganizations/${org}.example.com/users/Admin@${org}.example.com/msp"
}
