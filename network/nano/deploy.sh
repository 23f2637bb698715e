#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR
# Deploy (or upgrade) the acetrace chaincode as a service (ccaas) on the nano network:
#   1. build chaincode/ (npm run build)
#   2. per organisation, package a ccaas chaincode: metadata.json {"type":"ccaas"} plus
#      code.tar.gz holding connection.json (where that org's chaincode server listens)
#   3. install it on the org's peer, start the chaincode server for it
#      (fabric-chaincode-node server --chaincode-address ... --chaincode-id <package id>)
#   4. approve the definition for Org1 and Org2, commit it, check it
#   deploy.sh [--version V] [--sequence N] [--policy "OR('Org1MSP.peer','Org2MSP.peer')"]
# Without --sequence: 1 on a new channel, the committed sequence + 1 otherwise (an upgrade; the
# ledger is kept). Without --version: 1.<sequence - 1>.
set -euo pipefail
# shellcheck source=env.sh
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/env.sh"

version=""
sequence=""
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
require_cmd peer "put the Fabric release binaries in FABRIC_BIN_DIR."
require_cmd npm "the chaincode is built with npm."
for org in org1 org2; do
  pid_of "peer0-${org}" >/dev/null || die "peer0.${org} is not running: run network/nano/up.sh first"
done

use_org_admin org1
current=0
if committed="$(peer lifecycle chaincode querycommitted -C "$ACETRACE_CHANNEL" -n "$ACETRACE_CC_NAME" 2>/dev/null)"; then
  current="$(printf '%s\n' "$committed" | sed -n 's/.*Sequence: \([0-9][0-9]*\).*/\1/p' | head -n 1)"
  current="${current:-0}"
fi
sequence="${sequence:-$((current + 1))}"
[[ "$sequence" =~ ^[1-9][0-9]*$ ]] || die "--sequence must be a positive integer, got '${sequence}'"
(( sequence == current + 1 )) || die "--sequence must be the committed sequence + 1 = $((current + 1)), got ${sequence}"
version="${version:-1.$((sequence - 1))}"
label="${ACETRACE_CC_NAME}_${version}"
log "deploying ${ACETRACE_CC_NAME} version ${version} sequence ${sequence} (committed: ${current}), policy ${policy}"

log "building chaincode/"
(cd "${ACETRACE_REPO_ROOT}/chaincode" && npm run build) >>"${LOG_DIR}/chaincode-build.log" 2>&1 \
  || die "npm run build in chaincode/ failed; see ${LOG_DIR}/chaincode-build.log"
orderer_tls=(-o "$ORDERER_ENDPOINT" --ordererTLSHostnameOverride orderer.example.com --tls --cafile "$ORDERER_TLS_CA")
for org in org1 org2; do
  use_org_admin "$org"
  pkg_dir="${NANO_DIR}/chaincode/${label}-${org}"
  rm -rf "$pkg_dir"
  mkdir -p "$pkg_dir"
  # The peer's ccaas builder dials this address; one chaincode server per organisation.
  printf '{\n  "address": "127.0.0.1:%s",\n  "dial_timeout": "10s",\n  "tls_required": false\n}\n' \
    "$(org_cc_port "$org")" >"${pkg_dir}/connection.json"
  printf '{\n  "type": "ccaas",\n  "label": "%s"\n}\n' "$label" >"${pkg_dir}/metadata.json"
  tar -C "$pkg_dir" -czf "${pkg_dir}/code.tar.gz" connection.json
  tar -C "$pkg_dir" -czf "${pkg_dir}/${label}.tgz" metadata.json code.tar.gz
  package_id="$(peer lifecycle chaincode calculatepackageid "${pkg_dir}/${label}.tgz")"
  printf '%s\n' "$package_id" >"${pkg_dir}/package-id"

  if peer lifecycle chaincode queryinstalled 2>/dev/null | grep -qF "Package ID: ${package_id},"; then
    log "${org}: ${package_id} already installed"
  else
    log "${org}: installing ${package_id}"
    peer lifecycle chaincode install "${pkg_dir}/${label}.tgz" >>"${LOG_DIR}/peer-cli.log" 2>&1 \
      || die "install on peer0.${org} failed; see ${LOG_DIR}/peer-cli.log"
  fi

  # Chaincode as a service: the server must run with the package id the peer knows. On an upgrade
  # the previous server is stopped first (a few seconds in which this org cannot endorse).
  stop_process "chaincode-${org}"
  start_chaincode_server "$org" "$package_id"

  log "${org}: approving ${ACETRACE_CC_NAME} ${version} sequence ${sequence}"
  peer lifecycle chaincode approveformyorg "${orderer_tls[@]}" -C "$ACETRACE_CHANNEL" -n "$ACETRACE_CC_NAME" \
    --version "$version" --sequence "$sequence" --package-id "$package_id" --signature-policy "$policy" \
    >>"${LOG_DIR}/peer-cli.log" 2>&1 || die "approve for ${org} failed; see ${LOG_DIR}/peer-cli.log"
done

use_org_admin org1
peer lifecycle chaincode checkcommitreadiness -C "$ACETRACE_CHANNEL" -n "$ACETRACE_CC_NAME" \
  --version "$version" --sequence "$sequence" --signature-policy "$policy" --output json
log "committing the definition (endorsed by both peers)"
peer lifecycle chaincode commit "${orderer_tls[@]}" -C "$ACETRACE_CHANNEL" -n "$ACETRACE_CC_NAME" \
  --version "$version" --sequence "$sequence" --signature-policy "$policy" \
  --peerAddresses "localhost:$(org_peer_port org1)" --tlsRootCertFiles "$(org_peer_tls_ca org1)" \
  --peerAddresses "localhost:$(org_peer_port org2)" --tlsRootCertFiles "$(org_peer_tls_ca org2)" \
  >>"${LOG_DIR}/peer-cli.log" 2>&1 || die "commit failed; see ${LOG_DIR}/peer-cli.log"
peer lifecycle chaincode querycommitted -C "$ACETRACE_CHANNEL" -n "$ACETRACE_CC_NAME"
# up.sh restarts the chaincode servers of this label after a down.sh.
printf '%s\n' "$label" >"${NANO_DIR}/chaincode/committed-label"
log "chaincode ${ACETRACE_CC_NAME} ${version} committed. Next: network/nano/connection.sh"
