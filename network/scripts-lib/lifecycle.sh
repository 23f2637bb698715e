# shellcheck shell=bash
# Chaincode deployment with Fabric's chaincode lifecycle, the same steps for both routes
# (sourced by common.sh): build chaincode/, package (chaincode/scripts/package.js), install on
# each organisation's peer, approve for each organisation, commit, check.
#
# What differs between the routes comes from the route's env.sh:
#   route_chaincode_package ORG LABEL       package for ORG's peer; sets CC_PACKAGE_FILE (calls
#                                           chaincode_package node|ccaas ...)
#   route_chaincode_installed ORG PACKAGE_ID  after the install, before the approval (nano starts
#                                           the chaincode server there)
#   route_chaincode_committed LABEL         after the commit

# parse_deploy_args ARGS...: --version V, --sequence N, --policy P, -h|--help. Sets DEPLOY_VERSION
# and DEPLOY_SEQUENCE (empty: chosen by deploy_chaincode) and DEPLOY_POLICY.
parse_deploy_args() {
  DEPLOY_VERSION=""
  DEPLOY_SEQUENCE=""
  DEPLOY_POLICY="$ACETRACE_CC_POLICY"
  while [[ $# -gt 0 ]]; do
    case "$1" in
      --version) DEPLOY_VERSION="${2:?--version needs a value}"; shift 2 ;;
      --sequence) DEPLOY_SEQUENCE="${2:?--sequence needs a value}"; shift 2 ;;
      --policy) DEPLOY_POLICY="${2:?--policy needs a value}"; shift 2 ;;
      -h|--help) usage; exit 0 ;;
      *) die "unknown argument $1 (see --help)" ;;
    esac
  done
  if [[ -n "$DEPLOY_SEQUENCE" && ! "$DEPLOY_SEQUENCE" =~ ^[1-9][0-9]*$ ]]; then
    die "--sequence must be a positive integer, got '${DEPLOY_SEQUENCE}'"
  fi
}

# committed_sequence: the sequence of the committed definition of the chaincode, 0 if none
# (needs use_org_admin).
committed_sequence() {
  local committed current=""
  if committed="$(peer lifecycle chaincode querycommitted -C "$ACETRACE_CHANNEL" -n "$ACETRACE_CC_NAME" 2>/dev/null)"; then
    current="$(printf '%s\n' "$committed" | sed -n 's/.*Sequence: \([0-9][0-9]*\).*/\1/p' | head -n 1)"
  fi
  printf '%s\n' "${current:-0}"
}

# chaincode_package node|ccaas LABEL DEST_DIR [SERVER_ADDRESS]: the chaincode package of that kind
# (ccaas: pointing the peer at SERVER_ADDRESS), written by chaincode/scripts/package.js from the
# built chaincode, copied into DEST_DIR. Sets CC_PACKAGE_FILE.
chaincode_package() {
  local kind="$1" label="$2" dest="$3" address="${4:-}" file
  case "$kind" in
    node) file="${label}.tar.gz" ;;
    ccaas) file="${label}-ccaas.tar.gz" ;;
    *) die "unknown chaincode package kind ${kind}" ;;
  esac
  (cd "${ACETRACE_REPO_ROOT}/chaincode" && CC_LABEL="$label" CHAINCODE_SERVER_ADDRESS="$address" node scripts/package.js) \
    >>"${LOG_DIR}/chaincode-build.log" 2>&1 \
    || die "packaging the chaincode failed; see ${LOG_DIR}/chaincode-build.log"
  mkdir -p "$dest"
  cp "${ACETRACE_REPO_ROOT}/chaincode/build/${file}" "${dest}/${file}"
  CC_PACKAGE_FILE="${dest}/${file}"
}

# install_chaincode ORG PACKAGE_ID: install CC_PACKAGE_FILE on ORG's peer unless it is there.
install_chaincode() {
  local org="$1" package_id="$2"
  if peer lifecycle chaincode queryinstalled 2>/dev/null | grep -qF "Package ID: ${package_id},"; then
    log "${org}: ${package_id} already installed"
  else
    log "${org}: installing ${package_id}"
    peer lifecycle chaincode install "$CC_PACKAGE_FILE" >>"${LOG_DIR}/peer-cli.log" 2>&1 \
      || die "install on $(org_peer_host "$org") failed; see ${LOG_DIR}/peer-cli.log"
  fi
}

# deploy_chaincode: deploy (or upgrade) the chaincode with DEPLOY_VERSION, DEPLOY_SEQUENCE and
# DEPLOY_POLICY (parse_deploy_args). Without a sequence: the committed one + 1 (1 on a new
# channel); any other sequence is refused. Without a version: 1.<sequence - 1>.
deploy_chaincode() {
  require_cmd peer "put the Fabric release binaries on PATH (see network/README-fabric.md)."
  require_cmd npm "the chaincode is built with npm."
  mkdir -p "$LOG_DIR"
  local first="${ACETRACE_ORGS[0]}" current sequence version label org package_id
  use_org_admin "$first"
  current="$(committed_sequence)"
  sequence="${DEPLOY_SEQUENCE:-$((current + 1))}"
  (( sequence == current + 1 )) || die "--sequence must be the committed sequence + 1 = $((current + 1)), got ${sequence}"
  version="${DEPLOY_VERSION:-1.$((sequence - 1))}"
  label="${ACETRACE_CC_NAME}_${version}"
  log "deploying ${ACETRACE_CC_NAME} version ${version} sequence ${sequence} on '${ACETRACE_CHANNEL}' (committed: ${current}), policy ${DEPLOY_POLICY}"

  log "building chaincode/"
  (cd "${ACETRACE_REPO_ROOT}/chaincode" && npm run build) >>"${LOG_DIR}/chaincode-build.log" 2>&1 \
    || die "npm run build in chaincode/ failed; see ${LOG_DIR}/chaincode-build.log"
  local orderer=(-o "$ORDERER_ENDPOINT" --ordererTLSHostnameOverride "$ORDERER_HOST_ALIAS" --tls --cafile "$ORDERER_TLS_CA")
  local definition=(-C "$ACETRACE_CHANNEL" -n "$ACETRACE_CC_NAME" --version "$version" --sequence "$sequence" --signature-policy "$DEPLOY_POLICY")
  local endorsers=()
  for org in "${ACETRACE_ORGS[@]}"; do
    use_org_admin "$org"
    route_chaincode_package "$org" "$label"
    package_id="$(peer lifecycle chaincode calculatepackageid "$CC_PACKAGE_FILE")" \
      || die "peer lifecycle chaincode calculatepackageid ${CC_PACKAGE_FILE} failed"
    install_chaincode "$org" "$package_id"
    route_chaincode_installed "$org" "$package_id"
    log "${org}: approving ${ACETRACE_CC_NAME} ${version} sequence ${sequence}"
    peer lifecycle chaincode approveformyorg "${orderer[@]}" "${definition[@]}" --package-id "$package_id" \
      >>"${LOG_DIR}/peer-cli.log" 2>&1 || die "approve for ${org} failed; see ${LOG_DIR}/peer-cli.log"
    endorsers+=(--peerAddresses "$(org_peer_endpoint "$org")" --tlsRootCertFiles "$(org_peer_tls_ca "$org")")
  done

  use_org_admin "$first"
  peer lifecycle chaincode checkcommitreadiness "${definition[@]}" --output json
  log "committing the definition (endorsed by both peers)"
  peer lifecycle chaincode commit "${orderer[@]}" "${definition[@]}" "${endorsers[@]}" \
    >>"${LOG_DIR}/peer-cli.log" 2>&1 || die "commit failed; see ${LOG_DIR}/peer-cli.log"
  peer lifecycle chaincode querycommitted -C "$ACETRACE_CHANNEL" -n "$ACETRACE_CC_NAME"
  route_chaincode_committed "$label"
  log "chaincode ${ACETRACE_CC_NAME} ${version} committed. Next: network/${ROUTE}/connection.sh"
}
