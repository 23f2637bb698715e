# shellcheck shell=bash
# shellcheck source-path=SCRIPTDIR
# shellcheck disable=SC2034 # the settings below are read by the files and scripts that source this one
# The code both Fabric routes share (network/nano/*.sh and network/test-network/*.sh), sourced by
# each route's env.sh, never run. Loads the rest of the library:
#   enrolment.sh  role identities at a Fabric CA
#   profile.sh    the gateway's connection profile
#   lifecycle.sh  chaincode build, package, install, approve, commit (deploy and upgrade)
#   processes.sh  background processes with pid files, port checks (nano)
#
# What a route's env.sh defines (the route interface):
#   ROUTE               nano | test-network: names the route's scripts in messages
#   DATA_DIR            the route's data folder (connection.json, chaincode packages)
#   LOG_DIR             where the CLI logs go (peer-cli.log, chaincode-build.log)
#   IDENTITIES_DIR      holds <org>/users/<org>-<role>/ written by identities.sh
#   PEER_CFG_PATH       FABRIC_CFG_PATH for the peer CLI (the folder of core.yaml)
#   ORDERER_TLS_CA      the orderer's TLS CA certificate
#   org_peer_tls_ca ORG, org_admin_msp ORG, org_ca_tls_cert ORG   per-organisation paths
#   route_chaincode_package, route_chaincode_installed, route_chaincode_committed (lifecycle.sh)

ACETRACE_SCRIPTS_LIB_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ACETRACE_REPO_ROOT="$(cd "${ACETRACE_SCRIPTS_LIB_DIR}/../.." && pwd)"
export ACETRACE_REPO_ROOT

# The seven roles of shared/spec/domain.md, one identity per role per organisation.
ACETRACE_ROLES=(viewer supplier logistics broker auditor compliance admin)
ACETRACE_CHANNEL="${ACETRACE_CHANNEL:-acetrace}"
ACETRACE_CC_NAME="${ACETRACE_CC_NAME:-acetrace}"
# Any one peer of Org1 or Org2 may endorse (see network/README-fabric.md, "Endorsement policy").
ACETRACE_CC_POLICY="${ACETRACE_CC_POLICY:-OR('Org1MSP.peer','Org2MSP.peer')}"
# The application organisations; each has one peer, peer0.
ACETRACE_ORGS=(org1 org2)

# The topology both routes share: fabric-samples' test-network ports, which nano reuses.
ORDERER_PORT=7050
ORDERER_ADMIN_PORT=7053
ORDERER_ENDPOINT="localhost:${ORDERER_PORT}"
ORDERER_HOST_ALIAS=orderer.example.com

log() { printf '[acetrace] %s\n' "$*" >&2; }
die() { printf '[acetrace] error: %s\n' "$*" >&2; exit 1; }

# require_cmd NAME HINT: fail with a sentence if NAME is not on PATH.
require_cmd() {
  command -v "$1" >/dev/null 2>&1 || die "'$1' not found on PATH. $2"
}

# abs_path PATH: absolute form of an existing or future path (no realpath -m on macOS).
abs_path() {
  local p="$1"
  case "$p" in
    /*) printf '%s\n' "$p" ;;
    *) printf '%s/%s\n' "$(pwd)" "${p#./}" ;;
  esac
}

# single_file DIR: the one regular file in DIR (e.g. an MSP keystore), or fail.
single_file() {
  local dir="$1" found=() f
  for f in "$dir"/*; do
    [[ -f "$f" ]] && found+=("$f")
  done
  [[ ${#found[@]} -eq 1 ]] || die "expected exactly one file in ${dir}, found ${#found[@]}"
  printf '%s\n' "${found[0]}"
}

# usage: print the comment block at the top of the running script (its help text).
usage() {
  awk 'NR == 1 { next } /^# shellcheck/ { next } /^#/ { sub(/^# ?/, ""); print; next } { exit }' "$0"
}

# ---- per-organisation facts common to both routes (org1 | org2, nano also orderer) ----
org_msp() { case "$1" in org1) echo Org1MSP ;; org2) echo Org2MSP ;; orderer) echo OrdererMSP ;; *) die "unknown org $1" ;; esac; }
org_peer_port() { case "$1" in org1) echo 7051 ;; org2) echo 9051 ;; *) die "unknown org $1" ;; esac; }
org_peer_endpoint() { echo "localhost:$(org_peer_port "$1")"; }
org_peer_host() { echo "peer0.$1.example.com"; }
org_ca_port() { case "$1" in org1) echo 7054 ;; org2) echo 8054 ;; orderer) echo 9054 ;; *) die "unknown org $1" ;; esac; }
org_ca_url() { echo "https://localhost:$(org_ca_port "$1")"; }
org_ca_name() { echo "ca-$1"; }

# use_org_admin ORG: peer CLI environment of ORG's admin against its peer0.
use_org_admin() {
  local org="$1"
  export FABRIC_CFG_PATH="$PEER_CFG_PATH"
  export CORE_PEER_TLS_ENABLED=true
  CORE_PEER_LOCALMSPID="$(org_msp "$org")"
  CORE_PEER_ADDRESS="$(org_peer_endpoint "$org")"
  CORE_PEER_TLS_ROOTCERT_FILE="$(org_peer_tls_ca "$org")"
  CORE_PEER_MSPCONFIGPATH="$(org_admin_msp "$org")"
  export CORE_PEER_LOCALMSPID CORE_PEER_ADDRESS CORE_PEER_TLS_ROOTCERT_FILE CORE_PEER_MSPCONFIGPATH
}

# shellcheck source=enrolment.sh
source "${ACETRACE_SCRIPTS_LIB_DIR}/enrolment.sh"
# shellcheck source=profile.sh
source "${ACETRACE_SCRIPTS_LIB_DIR}/profile.sh"
# shellcheck source=lifecycle.sh
source "${ACETRACE_SCRIPTS_LIB_DIR}/lifecycle.sh"
# shellcheck source=processes.sh
source "${ACETRACE_SCRIPTS_LIB_DIR}/processes.sh"
