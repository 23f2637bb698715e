# shellcheck shell=bash
# shellcheck source-path=SCRIPTDIR
# shellcheck disable=SC2034 # the variables below are read by the scripts that source this file
# Settings and process helpers for the Docker-free network (sourced, never run).
#   FABRIC_BIN_DIR            folder with peer, orderer, configtxgen, osnadmin, fabric-ca-server,
#                             fabric-ca-client (a Fabric release's bin/); default: found on PATH
#   FABRIC_CFG_DIR            folder with core.yaml and orderer.yaml (default: FABRIC_BIN_DIR/../config)
#   FABRIC_CCAAS_BUILDER_DIR  the release's chaincode-as-a-service builder
#                             (default: FABRIC_BIN_DIR/../builders/ccaas)
#   ACETRACE_NANO_DATA_DIR    crypto, ledgers, logs, pid files (default <repo>/.acetrace/nano)

# shellcheck source=../test-network/lib.sh
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/../test-network/lib.sh"

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
LOG_DIR="${NANO_DIR}/logs"
CHANNEL_BLOCK="${NANO_DIR}/channel/${ACETRACE_CHANNEL}.block"

# Fixed local ports (the peers' and orderer's are the same as fabric-samples' test-network).
ORDERER_ENDPOINT=localhost:7050
ORDERER_ADMIN_ENDPOINT=localhost:7053
ORDERER_TLS_CA="${CRYPTO_DIR}/orderer/orderer0/tls/ca.crt"
ORDERER_TLS_CERT="${CRYPTO_DIR}/orderer/orderer0/tls/server.crt"
ORDERER_TLS_KEY="${CRYPTO_DIR}/orderer/orderer0/tls/server.key"

org_msp() { case "$1" in org1) echo Org1MSP ;; org2) echo Org2MSP ;; orderer) echo OrdererMSP ;; *) die "unknown org $1" ;; esac; }
org_ca_port() { case "$1" in org1) echo 7054 ;; org2) echo 8054 ;; orderer) echo 9054 ;; *) die "unknown org $1" ;; esac; }
org_peer_port() { case "$1" in org1) echo 7051 ;; org2) echo 9051 ;; *) die "unknown org $1" ;; esac; }
org_peer_ops_port() { case "$1" in org1) echo 9444 ;; org2) echo 9445 ;; *) die "unknown org $1" ;; esac; }
org_cc_port() { case "$1" in org1) echo 9998 ;; org2) echo 9999 ;; *) die "unknown org $1" ;; esac; }
org_ca_name() { echo "ca-$1"; }
org_ca_url() { echo "https://localhost:$(org_ca_port "$1")"; }
org_ca_cert() { echo "${NANO_DIR}/ca/$1/ca-cert.pem"; }
org_peer_tls_ca() { echo "${CRYPTO_DIR}/$1/peer0/tls/ca.crt"; }

require_binaries() {
  local b
  for b in peer orderer configtxgen osnadmin fabric-ca-server fabric-ca-client; do
    require_cmd "$b" "put the Fabric release binaries (install-fabric.sh binary) in FABRIC_BIN_DIR."
  done
  [[ -f "${FABRIC_CFG_DIR}/core.yaml" && -f "${FABRIC_CFG_DIR}/orderer.yaml" ]] \
    || die "no core.yaml/orderer.yaml in FABRIC_CFG_DIR=${FABRIC_CFG_DIR} (the release's config/ folder)"
}

# use_org_admin ORG: peer CLI environment of ORG's admin against its peer0.
use_org_admin() {
  local org="$1"
  export FABRIC_CFG_PATH="$FABRIC_CFG_DIR"
  export CORE_PEER_TLS_ENABLED=true
  CORE_PEER_LOCALMSPID="$(org_msp "$org")"
  CORE_PEER_ADDRESS="localhost:$(org_peer_port "$org")"
  export CORE_PEER_LOCALMSPID CORE_PEER_ADDRESS
  export CORE_PEER_TLS_ROOTCERT_FILE="${CRYPTO_DIR}/${org}/peer0/tls/ca.crt"
  export CORE_PEER_MSPCONFIGPATH="${CRYPTO_DIR}/${org}/admin/msp"
}

# ---- processes: one pid file per process under PID_DIR, one log file under LOG_DIR ----

# pid_of NAME: the recorded PID if that process is still alive and still runs PROGRAM.
pid_of() {
  local file="${PID_DIR}/$1.pid" pid program args
  [[ -f "$file" ]] || return 1
  { read -r pid; read -r program; } <"$file" || return 1
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  kill -0 "$pid" 2>/dev/null || return 1
  # Guard against a recycled PID: the process must still be the program we started.
  args="$(ps -p "$pid" -o args= 2>/dev/null)" || return 1
  [[ "$args" == *"$program"* ]] || return 1
  printf '%s\n' "$pid"
}

# start_process NAME PROGRAM [VAR=value...] -- COMMAND...: run COMMAND in the background with the
# given environment, stdout+stderr to LOG_DIR/NAME.log, its PID (and PROGRAM, used to recognise it
# later) to PID_DIR/NAME.pid. `exec env` keeps the PID: the recorded PID is the process itself.
# START_DIR, if set, is the working directory of COMMAND.
start_process() {
  local name="$1" program="$2"
  shift 2
  local vars=()
  while [[ $# -gt 0 && "$1" != "--" ]]; do vars+=("$1"); shift; done
  [[ "${1:-}" == "--" ]] || die "start_process ${name}: missing -- before the command"
  shift
  mkdir -p "$PID_DIR" "$LOG_DIR"
  local pid
  if pid="$(pid_of "$name")"; then
    log "${name} already running (pid ${pid})"
    return 0
  fi
  ( if [[ -n "${START_DIR:-}" ]]; then cd "$START_DIR" || exit 1; fi; exec env ${vars[@]+"${vars[@]}"} "$@" ) >>"${LOG_DIR}/${name}.log" 2>&1 </dev/null &
  pid=$!
  printf '%s\n%s\n' "$pid" "$program" >"${PID_DIR}/${name}.pid"
  log "started ${name} (pid ${pid}, log ${LOG_DIR}/${name}.log)"
}

# stop_process NAME: TERM, then KILL after 15 s, only the recorded PID.
stop_process() {
  local name="$1" pid i
  if pid="$(pid_of "$name")"; then
    kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < 30; i++)); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.5
    done
    if kill -0 "$pid" 2>/dev/null; then
      log "${name} (pid ${pid}) did not stop on TERM; sending KILL"
      kill -KILL "$pid" 2>/dev/null || true
    fi
    log "stopped ${name} (pid ${pid})"
  fi
  rm -f "${PID_DIR}/${name}.pid"
}

# wait_for_port NAME PORT: until something listens on 127.0.0.1:PORT (bash /dev/tcp), or fail
# with the end of NAME's log if the process died or 60 s passed.
wait_for_port() {
  local name="$1" port="$2" i
  for ((i = 0; i < 120; i++)); do
    if (exec 3<>"/dev/tcp/127.0.0.1/${port}") 2>/dev/null; then
      return 0
    fi
    if ! pid_of "$name" >/dev/null; then
      tail -n 30 "${LOG_DIR}/${name}.log" >&2 || true
      die "${name} exited; see ${LOG_DIR}/${name}.log"
    fi
    sleep 0.5
  done
  tail -n 30 "${LOG_DIR}/${name}.log" >&2 || true
  die "${name} is not listening on port ${port} after 60 s; see ${LOG_DIR}/${name}.log"
}

# start_chaincode_server ORG PACKAGE_ID: the acetrace chaincode as a service for ORG's peer, run
# from chaincode/ (built) as `npx fabric-chaincode-node server --chaincode-address ...
# --chaincode-id ...` would, but with node directly so the recorded PID is the chaincode itself.
start_chaincode_server() {
  local org="$1" package_id="$2" shim_cli
  shim_cli="$(cd "${ACETRACE_REPO_ROOT}/chaincode" && node -p "require.resolve('fabric-shim/cli.js')")" \
    || die "fabric-shim is not installed: run npm install at the repository root"
  START_DIR="${ACETRACE_REPO_ROOT}/chaincode" start_process "chaincode-${org}" "$shim_cli" \
    CORE_CHAINCODE_LOGGING_LEVEL="${CORE_CHAINCODE_LOGGING_LEVEL:-info}" \
    -- node "$shim_cli" server --chaincode-address "127.0.0.1:$(org_cc_port "$org")" --chaincode-id "$package_id"
  wait_for_port "chaincode-${org}" "$(org_cc_port "$org")"
}
