# shellcheck shell=bash
# shellcheck source-path=SCRIPTDIR
# shellcheck disable=SC2034 # the variables below are read by the scripts that source this file
# Settings for the fabric-samples test-network scripts (sourced, never run); the shared code is
# network/scripts-lib.
#   FABRIC_SAMPLES_DIR        a fabric-samples checkout with bin/ and config/ (required)
#   ACETRACE_FABRIC_DATA_DIR  where identities, chaincode packages, logs and connection.json go
#                             (default <repo>/.acetrace/test-network, ignored by git)

# shellcheck source=../scripts-lib/common.sh
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/../scripts-lib/common.sh"

[[ -n "${FABRIC_SAMPLES_DIR:-}" ]] || die "set FABRIC_SAMPLES_DIR to your fabric-samples checkout (the folder holding test-network/ and bin/)"
FABRIC_SAMPLES_DIR="$(cd "$FABRIC_SAMPLES_DIR" 2>/dev/null && pwd)" || die "FABRIC_SAMPLES_DIR does not exist"
TN_DIR="${FABRIC_SAMPLES_DIR}/test-network"
[[ -x "${TN_DIR}/network.sh" ]] || die "${TN_DIR}/network.sh not found: is FABRIC_SAMPLES_DIR a fabric-samples checkout?"
export PATH="${FABRIC_SAMPLES_DIR}/bin:${PATH}"
ACETRACE_FABRIC_DATA_DIR="$(abs_path "${ACETRACE_FABRIC_DATA_DIR:-${ACETRACE_REPO_ROOT}/.acetrace/test-network}")"
TN_ORGS="${TN_DIR}/organizations"

# The route interface of network/scripts-lib/common.sh.
ROUTE=test-network
DATA_DIR="$ACETRACE_FABRIC_DATA_DIR"
LOG_DIR="${ACETRACE_FABRIC_DATA_DIR}/logs"
IDENTITIES_DIR="$ACETRACE_FABRIC_DATA_DIR"
PEER_CFG_PATH="${FABRIC_SAMPLES_DIR}/config"
export FABRIC_CFG_PATH="$PEER_CFG_PATH"
ORDERER_TLS_CA="${TN_ORGS}/ordererOrganizations/example.com/tlsca/tlsca.example.com-cert.pem"

# Paths test-network's organizations/ folder uses (facts of fabric-samples' layout).
org_peer_tls_ca() { echo "${TN_ORGS}/peerOrganizations/$1.example.com/tlsca/tlsca.$1.example.com-cert.pem"; }
org_admin_msp() { echo "${TN_ORGS}/peerOrganizations/$1.example.com/users/Admin@$1.example.com/msp"; }
# The CA's own TLS trust root: ca-cert.pem in current fabric-samples, tls-cert.pem in older ones.
org_ca_tls_cert() {
  local dir="${TN_ORGS}/fabric-ca/$1" f
  for f in "${dir}/ca-cert.pem" "${dir}/tls-cert.pem"; do
    [[ -f "$f" ]] && { echo "$f"; return 0; }
  done
  die "no CA certificate in ${dir}: was the network started with -ca (network/test-network/up.sh)?"
}

# ---- deploy hooks (network/scripts-lib/lifecycle.sh) ----

# One node package for both organisations; the peers build and run it in Docker (fabric-nodeenv).
route_chaincode_package() {
  local label="$2" dir="${ACETRACE_FABRIC_DATA_DIR}/chaincode"
  [[ "${CC_PACKAGE_FILE:-}" == "${dir}/${label}.tar.gz" && -f "$CC_PACKAGE_FILE" ]] && return 0
  rm -rf "$dir"
  chaincode_package node "$label" "$dir"
}
route_chaincode_installed() { :; }
route_chaincode_committed() { :; }
