# shellcheck shell=bash
# shellcheck source-path=SCRIPTDIR
# shellcheck disable=SC2034 # the variables below are read by the scripts that source this file
# Settings of the Docker-free network (sourced, never run); the shared code is network/scripts-lib.
#   FABRIC_BIN_DIR            folder with peer, orderer, configtxgen, osnadmin, fabric-ca-server,
#                             fabric-ca-client (a Fabric release's bin/); default: found on PATH
#   FABRIC_CFG_DIR            folder with core.yaml and orderer.yaml (default: FABRIC_BIN_DIR/../config)
#   FABRIC_CCAAS_BUILDER_DIR  the release's chaincode-as-a-service builder
#                             (default: FABRIC_BIN_DIR/../builders/ccaas)
#   ACETRACE_NANO_DATA_DIR    crypto, ledgers, logs, pid files (default <repo>/.acetrace/nano)

# shellcheck source=../scripts-lib/common.sh
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/../scripts-lib/common.sh"

if [[ -n "${FABRIC_BIN_DIR:-}" ]]; then
  FABRIC_BIN_DIR="$(cd "$FABRIC_BIN_DIR" 2>/dev/null && pwd)" || die "FABRIC_BIN_DIR does not exist"
  export PATH="${FABRIC_BIN_DIR}:${PATH}"
elif command -v peer >/dev/null 2>&1; then
  FABRIC_BIN_DIR="$(cd "$(dirname "$(command -v peer)")" && pwd)"
else
  die "set FABRIC_BIN_DIR to the bin/ folder of a Fabric release (peer, orderer, configtxgen, osnadmin, fabric-ca-server, fabric-ca-client)"
fi
# The release folder is FABRIC_BIN_DIR's parent, taken from the path as written ("bin/.." would
# leave a symlinked bin/ for the symlink target's parent).
FABRIC_RELEASE_DIR="${FABRIC_BIN_DIR%/*}"
FABRIC_CFG_DIR="${FABRIC_CFG_DIR:-${FABRIC_RELEASE_DIR:-/}/config}"
FABRIC_CCAAS_BUILDER_DIR="${FABRIC_CCAAS_BUILDER_DIR:-${FABRIC_RELEASE_DIR:-/}/builders/ccaas}"
NANO_DIR="$(abs_path "${ACETRACE_NANO_DATA_DIR:-${ACETRACE_REPO_ROOT}/.acetrace/nano}")"
CRYPTO_DIR="${NANO_DIR}/crypto"
PID_DIR="${NANO_DIR}/pids"
CHANNEL_BLOCK="${NANO_DIR}/channel/${ACETRACE_CHANNEL}.block"

# The route interface of network/scripts-lib/common.sh.
ROUTE=nano
DATA_DIR="$NANO_DIR"
LOG_DIR="${NANO_DIR}/logs"
IDENTITIES_DIR="${NANO_DIR}/identities"
PEER_CFG_PATH="$FABRIC_CFG_DIR"
ORDERER_TLS_CA="${CRYPTO_DIR}/orderer/orderer0/tls/ca.crt"
ORDERER_TLS_CERT="${CRYPTO_DIR}/orderer/orderer0/tls/server.crt"
ORDERER_TLS_KEY="${CRYPTO_DIR}/orderer/orderer0/tls/server.key"
ORDERER_ADMIN_ENDPOINT="localhost:${ORDERER_ADMIN_PORT}"
ORDERER_OPS_PORT=9443

org_peer_ops_port() { case "$1" in org1) echo 9444 ;; org2) echo 9445 ;; *) die "unknown org $1" ;; esac; }
org_cc_port() { case "$1" in org1) echo 9998 ;; org2) echo 9999 ;; *) die "unknown org $1" ;; esac; }
# Each CA's certificate is also the trust root of its TLS server and of the TLS certificates it issues.
org_ca_tls_cert() { echo "${NANO_DIR}/ca/$1/ca-cert.pem"; }
org_peer_tls_ca() { echo "${CRYPTO_DIR}/$1/peer0/tls/ca.crt"; }
org_admin_msp() { echo "${CRYPTO_DIR}/$1/admin/msp"; }

# process_ports NAME: the TCP ports the process NAME listens on; the first is the one it serves on.
process_ports() {
  local org
  case "$1" in
    ca-*) org="${1#ca-}"; echo "$(org_ca_port "$org") 1$(org_ca_port "$org")" ;;
    orderer) echo "${ORDERER_PORT} ${ORDERER_ADMIN_PORT} ${ORDERER_OPS_PORT}" ;;
    peer0-*) org="${1#peer0-}"; echo "$(org_peer_port "$org") $(($(org_peer_port "$org") + 1)) $(org_peer_ops_port "$org")" ;;
    chaincode-*) org_cc_port "${1#chaincode-}" ;;
    *) die "unknown process $1" ;;
  esac
}

# require_free_ports_of NAME...: the ports of every NAME that is not running yet are free (a
# running one holds its own ports).
require_free_ports_of() {
  local name port specs=()
  for name in "$@"; do
    pid_of "$name" >/dev/null && continue
    for port in $(process_ports "$name"); do specs+=("${name}:${port}"); done
  done
  require_free_ports ${specs[@]+"${specs[@]}"}
}

require_binaries() {
  local b
  for b in peer orderer configtxgen osnadmin fabric-ca-server fabric-ca-client; do
    require_cmd "$b" "put the Fabric release binaries (install-fabric.sh binary) in FABRIC_BIN_DIR."
  done
  [[ -f "${FABRIC_CFG_DIR}/core.yaml" && -f "${FABRIC_CFG_DIR}/orderer.yaml" ]] \
    || die "no core.yaml/orderer.yaml in FABRIC_CFG_DIR=${FABRIC_CFG_DIR} (the release's config/ folder)"
}

# start_chaincode_server ORG PACKAGE_ID: the acetrace chaincode as a service for ORG's peer, run
# from chaincode/ (built) as `npx fabric-chaincode-node server --chaincode-address ...
# --chaincode-id ...` would, but with node directly so the recorded PID is the chaincode itself.
start_chaincode_server() {
  local org="$1" package_id="$2" shim_cli
  shim_cli="$(cd "${ACETRACE_REPO_ROOT}/chaincode" && node -p "require.resolve('fabric-shim/cli.js')")" \
    || die "fabric-shim is not installed: run npm install at the repository root"
  require_free_ports_of "chaincode-${org}"
  START_DIR="${ACETRACE_REPO_ROOT}/chaincode" start_process "chaincode-${org}" "$shim_cli" \
    CORE_CHAINCODE_LOGGING_LEVEL="${CORE_CHAINCODE_LOGGING_LEVEL:-info}" \
    -- node "$shim_cli" server --chaincode-address "127.0.0.1:$(org_cc_port "$org")" --chaincode-id "$package_id"
  wait_until_listening "chaincode-${org}" "$(org_cc_port "$org")"
}

# ---- deploy hooks (network/scripts-lib/lifecycle.sh) ----

# One chaincode-as-a-service package per organisation: its connection.json names the address of
# that organisation's chaincode server.
route_chaincode_package() {
  local org="$1" label="$2" dir="${NANO_DIR}/chaincode/$2-$1"
  rm -rf "$dir"
  chaincode_package ccaas "$label" "$dir" "127.0.0.1:$(org_cc_port "$org")"
}

# The server must run with the package id the peer knows. On an upgrade the previous server is
# stopped first (a few seconds in which this org cannot endorse). The package id is kept for up.sh.
route_chaincode_installed() {
  local org="$1" package_id="$2"
  printf '%s\n' "$package_id" >"${NANO_DIR}/chaincode/${package_id%%:*}-${org}/package-id"
  stop_process "chaincode-${org}"
  start_chaincode_server "$org" "$package_id"
}

# up.sh restarts the chaincode servers of this label after a down.sh.
route_chaincode_committed() {
  printf '%s\n' "$1" >"${NANO_DIR}/chaincode/committed-label"
}
