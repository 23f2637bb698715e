#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR
# Start a Docker-free Fabric network from release binaries, in the style of fabric-samples'
# test-network-nano-bash, and create the channel "acetrace":
#   - one Fabric CA per organisation (OrdererOrg, Org1, Org2) issuing enrolment and TLS certificates
#   - one orderer (Raft, single node), joined to the channel with osnadmin
#   - peer0 of Org1 (localhost:7051) and peer0 of Org2 (localhost:9051), joined with peer channel join
# Every process runs in the background with its PID in ${ACETRACE_NANO_DATA_DIR}/pids and its log in
# .../logs. Running up.sh again after down.sh restarts the same network with its ledgers (and the
# chaincode servers of the committed chaincode, once deploy.sh has run).
# Next: identities.sh, deploy.sh, connection.sh.
set -euo pipefail
# shellcheck source=env.sh
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/env.sh"

case "${1:-}" in -h|--help) usage; exit 0 ;; esac
require_binaries
mkdir -p "$NANO_DIR" "$CRYPTO_DIR" "$PID_DIR" "$LOG_DIR" "${NANO_DIR}/channel"

# ---- every port this run will listen on must be free before anything starts ----
processes=(ca-orderer ca-org1 ca-org2 orderer peer0-org1 peer0-org2)
[[ -f "${NANO_DIR}/chaincode/committed-label" ]] && processes+=(chaincode-org1 chaincode-org2)
require_free_ports_of "${processes[@]}"

# ---- certificate authorities ----
start_ca() {
  local org="$1" port
  port="$(org_ca_port "$org")"
  mkdir -p "${NANO_DIR}/ca/${org}"
  start_process "ca-${org}" fabric-ca-server \
    FABRIC_CA_HOME="${NANO_DIR}/ca/${org}" \
    FABRIC_CA_SERVER_CA_NAME="$(org_ca_name "$org")" \
    FABRIC_CA_SERVER_ADDRESS=127.0.0.1 \
    FABRIC_CA_SERVER_PORT="$port" \
    FABRIC_CA_SERVER_TLS_ENABLED=true \
    FABRIC_CA_SERVER_CSR_CN="$(org_ca_name "$org")" \
    FABRIC_CA_SERVER_CSR_HOSTS="localhost,127.0.0.1" \
    FABRIC_CA_SERVER_OPERATIONS_LISTENADDRESS="127.0.0.1:1${port}" \
    -- fabric-ca-server start -b "${ACETRACE_CA_ADMIN:-admin:adminpw}"
}
for org in orderer org1 org2; do start_ca "$org"; done
for org in orderer org1 org2; do wait_until_listening "ca-${org}" "$(org_ca_port "$org")"; done

# ---- crypto material for the nodes and org admins (once) ----
# normalise_msp DIR: one CA certificate named cacerts/ca.pem and a NodeOUs config.yaml, so the
# MSP classifies client/peer/admin/orderer certificates by their OU as test-network's does.
normalise_msp() {
  local msp="$1" ca
  ca="$(single_file "${msp}/cacerts")"
  [[ "$ca" == "${msp}/cacerts/ca.pem" ]] || mv "$ca" "${msp}/cacerts/ca.pem"
  local ou
  {
    echo "NodeOUs:"
    echo "  Enable: true"
    for ou in client peer admin orderer; do
      echo "  $(tr '[:lower:]' '[:upper:]' <<<"${ou:0:1}")${ou:1}OUIdentifier:"
      echo "    Certificate: cacerts/ca.pem"
      echo "    OrganizationalUnitIdentifier: ${ou}"
    done
  } >"${msp}/config.yaml"
}

# enroll_node ORG NAME TYPE DIR [HOST...]: register NAME (peer|orderer|admin) at ORG's CA, enroll
# its MSP into DIR/msp and, for peers and orderers, a TLS key pair for HOSTs into DIR/tls.
enroll_node() {
  local org="$1" name="$2" type="$3" dir="$4"
  shift 4
  local ca_url host ca_name ca_cert registrar secret="${name}pw" clog="${LOG_DIR}/fabric-ca-client.log"
  ca_url="$(org_ca_url "$org")"; host="${ca_url#https://}"; ca_name="$(org_ca_name "$org")"
  ca_cert="$(org_ca_tls_cert "$org")"; registrar="${CRYPTO_DIR}/${org}/registrar"
  fabric-ca-client register -u "$ca_url" --caname "$ca_name" --tls.certfiles "$ca_cert" \
    --home "$registrar" --mspdir msp --id.name "$name" --id.secret "$secret" --id.type "$type" \
    >>"$clog" 2>&1 || die "registering ${name} at ${ca_name} failed; see ${clog}"
  fabric-ca-client enroll -u "https://${name}:${secret}@${host}" --caname "$ca_name" \
    --tls.certfiles "$ca_cert" --home "$dir" --mspdir msp >>"$clog" 2>&1 \
    || die "enrolling ${name} failed; see ${clog}"
  normalise_msp "${dir}/msp"
  if [[ "$type" != admin ]]; then
    local hosts=() h
    for h in "$@"; do hosts+=(--csr.hosts "$h"); done
    fabric-ca-client enroll -u "https://${name}:${secret}@${host}" --caname "$ca_name" \
      --tls.certfiles "$ca_cert" --home "$dir" --mspdir tls --enrollment.profile tls "${hosts[@]}" \
      >>"$clog" 2>&1 || die "TLS enrolment of ${name} failed; see ${clog}"
    cp "$ca_cert" "${dir}/tls/ca.crt"
    cp "${dir}/tls/signcerts/cert.pem" "${dir}/tls/server.crt"
    cp "$(single_file "${dir}/tls/keystore")" "${dir}/tls/server.key"
  fi
}

# org_msp_folder ORG: the organisation's MSP as it goes into the channel configuration.
org_msp_folder() {
  local org="$1" msp="${CRYPTO_DIR}/$1/msp"
  mkdir -p "${msp}/cacerts" "${msp}/tlscacerts"
  cp "$(org_ca_tls_cert "$org")" "${msp}/cacerts/ca.pem"
  cp "$(org_ca_tls_cert "$org")" "${msp}/tlscacerts/ca.pem"
  normalise_msp "$msp"
}

if [[ ! -f "${CRYPTO_DIR}/.complete" ]]; then
  log "generating crypto material with the Fabric CAs"
  for org in orderer org1 org2; do
    rm -rf "${CRYPTO_DIR:?}/${org}"
    fabric-ca-client enroll -u "https://${ACETRACE_CA_ADMIN:-admin:adminpw}@localhost:$(org_ca_port "$org")" \
      --caname "$(org_ca_name "$org")" --tls.certfiles "$(org_ca_tls_cert "$org")" \
      --home "${CRYPTO_DIR}/${org}/registrar" --mspdir msp >>"${LOG_DIR}/fabric-ca-client.log" 2>&1 \
      || die "enrolling the CA admin of ${org} failed; see ${LOG_DIR}/fabric-ca-client.log"
    org_msp_folder "$org"
  done
  enroll_node orderer orderer0 orderer "${CRYPTO_DIR}/orderer/orderer0" orderer.example.com localhost 127.0.0.1
  enroll_node orderer ordereradmin admin "${CRYPTO_DIR}/orderer/admin"
  for org in org1 org2; do
    enroll_node "$org" peer0 peer "${CRYPTO_DIR}/${org}/peer0" "peer0.${org}.example.com" localhost 127.0.0.1
    enroll_node "$org" "${org}admin" admin "${CRYPTO_DIR}/${org}/admin"
  done
  touch "${CRYPTO_DIR}/.complete"
fi

# ---- channel genesis block (once) ----
# configtx_peer_org ORG: ORG's entry in configtx.yaml's Organizations (anchored as &OrgN).
configtx_peer_org() {
  local msp
  msp="$(org_msp "$1")"
  cat <<YAML
  - &${msp%MSP}
    Name: ${msp}
    ID: ${msp}
    MSPDir: ${CRYPTO_DIR}/$1/msp
    Policies:
      Readers: { Type: Signature, Rule: "OR('${msp}.admin', '${msp}.peer', '${msp}.client')" }
      Writers: { Type: Signature, Rule: "OR('${msp}.admin', '${msp}.client')" }
      Admins: { Type: Signature, Rule: "OR('${msp}.admin')" }
      Endorsement: { Type: Signature, Rule: "OR('${msp}.peer')" }
    AnchorPeers: [ { Host: localhost, Port: $(org_peer_port "$1") } ]
YAML
}
# implicit_meta_policies: the Readers/Writers/Admins policies of a configtx.yaml section, from
# its organisations' policies.
implicit_meta_policies() {
  cat <<'YAML'
    Readers: { Type: ImplicitMeta, Rule: "ANY Readers" }
    Writers: { Type: ImplicitMeta, Rule: "ANY Writers" }
    Admins: { Type: ImplicitMeta, Rule: "MAJORITY Admins" }
YAML
}
if [[ ! -f "$CHANNEL_BLOCK" ]]; then
  log "writing configtx.yaml and the genesis block of '${ACETRACE_CHANNEL}'"
  cat >"${NANO_DIR}/channel/configtx.yaml" <<YAML
# Generated by network/nano/up.sh
Organizations:
  - &OrdererOrg
    Name: OrdererMSP
    ID: OrdererMSP
    MSPDir: ${CRYPTO_DIR}/orderer/msp
    Policies:
      Readers: { Type: Signature, Rule: "OR('OrdererMSP.member')" }
      Writers: { Type: Signature, Rule: "OR('OrdererMSP.member')" }
      Admins: { Type: Signature, Rule: "OR('OrdererMSP.admin')" }
    OrdererEndpoints: [ "${ORDERER_ENDPOINT}" ]
$(configtx_peer_org org1)
$(configtx_peer_org org2)
Capabilities:
  Channel: &ChannelCapabilities { V2_0: true }
  Orderer: &OrdererCapabilities { V2_0: true }
  Application: &ApplicationCapabilities { V2_5: true }
Application: &ApplicationDefaults
  Organizations:
  Policies:
$(implicit_meta_policies)
    # A chaincode definition needs the approval of both organisations (majority of two).
    LifecycleEndorsement: { Type: ImplicitMeta, Rule: "MAJORITY Endorsement" }
    Endorsement: { Type: ImplicitMeta, Rule: "MAJORITY Endorsement" }
  Capabilities: *ApplicationCapabilities
Orderer: &OrdererDefaults
  OrdererType: etcdraft
  BatchTimeout: 2s
  BatchSize: { MaxMessageCount: 10, AbsoluteMaxBytes: 99 MB, PreferredMaxBytes: 512 KB }
  EtcdRaft:
    Consenters:
      - Host: localhost
        Port: ${ORDERER_PORT}
        ClientTLSCert: ${ORDERER_TLS_CERT}
        ServerTLSCert: ${ORDERER_TLS_CERT}
  Organizations:
  Policies:
$(implicit_meta_policies)
    BlockValidation: { Type: ImplicitMeta, Rule: "ANY Writers" }
Channel: &ChannelDefaults
  Policies:
$(implicit_meta_policies)
  Capabilities: *ChannelCapabilities
Profiles:
  AcetraceChannel:
    <<: *ChannelDefaults
    Orderer:
      <<: *OrdererDefaults
      Organizations: [ *OrdererOrg ]
      Capabilities: *OrdererCapabilities
    Application:
      <<: *ApplicationDefaults
      Organizations: [ *Org1, *Org2 ]
      Capabilities: *ApplicationCapabilities
YAML
  FABRIC_CFG_PATH="${NANO_DIR}/channel" configtxgen -profile AcetraceChannel \
    -channelID "$ACETRACE_CHANNEL" -outputBlock "$CHANNEL_BLOCK" >>"${LOG_DIR}/configtxgen.log" 2>&1 \
    || die "configtxgen failed; see ${LOG_DIR}/configtxgen.log"
fi

# ---- orderer ----
O="${CRYPTO_DIR}/orderer/orderer0"
start_process orderer orderer \
  FABRIC_CFG_PATH="$FABRIC_CFG_DIR" \
  ORDERER_GENERAL_LISTENADDRESS=127.0.0.1 \
  ORDERER_GENERAL_LISTENPORT="$ORDERER_PORT" \
  ORDERER_GENERAL_LOCALMSPID=OrdererMSP \
  ORDERER_GENERAL_LOCALMSPDIR="${O}/msp" \
  ORDERER_GENERAL_TLS_ENABLED=true ORDERER_GENERAL_TLS_ROOTCAS="[${O}/tls/ca.crt]" \
  ORDERER_GENERAL_TLS_CERTIFICATE="${O}/tls/server.crt" ORDERER_GENERAL_TLS_PRIVATEKEY="${O}/tls/server.key" \
  ORDERER_GENERAL_BOOTSTRAPMETHOD=none \
  ORDERER_CHANNELPARTICIPATION_ENABLED=true \
  ORDERER_FILELEDGER_LOCATION="${NANO_DIR}/orderer/ledger" \
  ORDERER_CONSENSUS_WALDIR="${NANO_DIR}/orderer/etcdraft/wal" \
  ORDERER_CONSENSUS_SNAPDIR="${NANO_DIR}/orderer/etcdraft/snapshot" \
  ORDERER_OPERATIONS_LISTENADDRESS="127.0.0.1:${ORDERER_OPS_PORT}" \
  ORDERER_ADMIN_LISTENADDRESS="127.0.0.1:${ORDERER_ADMIN_PORT}" \
  ORDERER_ADMIN_TLS_ENABLED=true ORDERER_ADMIN_TLS_ROOTCAS="[${O}/tls/ca.crt]" \
  ORDERER_ADMIN_TLS_CERTIFICATE="${O}/tls/server.crt" ORDERER_ADMIN_TLS_PRIVATEKEY="${O}/tls/server.key" \
  ORDERER_ADMIN_TLS_CLIENTAUTHREQUIRED=true ORDERER_ADMIN_TLS_CLIENTROOTCAS="[${O}/tls/ca.crt]" \
  -- orderer
wait_until_listening orderer "$ORDERER_PORT" "$ORDERER_ADMIN_PORT"

# ---- peers ----
# The peers find the chaincode-as-a-service builder of the release through
# CORE_CHAINCODE_EXTERNALBUILDERS (the override core.yaml documents), so config/ stays untouched.
[[ -x "${FABRIC_CCAAS_BUILDER_DIR}/bin/detect" ]] \
  || die "no ccaas builder in ${FABRIC_CCAAS_BUILDER_DIR} (set FABRIC_CCAAS_BUILDER_DIR to the release's builders/ccaas)"
builders="[{name: ccaas_builder, path: $(cd "$FABRIC_CCAAS_BUILDER_DIR" && pwd), propagateEnvironment: [CHAINCODE_AS_A_SERVICE_BUILDER_CONFIG]}]"
for org in org1 org2; do
  P="${CRYPTO_DIR}/${org}/peer0"
  port="$(org_peer_port "$org")"
  start_process "peer0-${org}" peer \
    FABRIC_CFG_PATH="$FABRIC_CFG_DIR" CORE_PEER_ID="peer0.${org}.example.com" \
    CORE_PEER_LOCALMSPID="$(org_msp "$org")" CORE_PEER_MSPCONFIGPATH="${P}/msp" \
    CORE_PEER_ADDRESS="localhost:${port}" CORE_PEER_LISTENADDRESS="127.0.0.1:${port}" \
    CORE_PEER_CHAINCODEADDRESS="127.0.0.1:$((port + 1))" CORE_PEER_CHAINCODELISTENADDRESS="127.0.0.1:$((port + 1))" \
    CORE_PEER_GOSSIP_BOOTSTRAP="localhost:${port}" CORE_PEER_GOSSIP_EXTERNALENDPOINT="localhost:${port}" \
    CORE_PEER_TLS_ENABLED=true CORE_PEER_TLS_ROOTCERT_FILE="${P}/tls/ca.crt" \
    CORE_PEER_TLS_CERT_FILE="${P}/tls/server.crt" CORE_PEER_TLS_KEY_FILE="${P}/tls/server.key" \
    CORE_PEER_FILESYSTEMPATH="${NANO_DIR}/peers/${org}" CORE_LEDGER_SNAPSHOTS_ROOTDIR="${NANO_DIR}/peers/${org}/snapshots" \
    CORE_OPERATIONS_LISTENADDRESS="127.0.0.1:$(org_peer_ops_port "$org")" \
    CORE_CHAINCODE_EXTERNALBUILDERS="$builders" \
    -- peer node start
done
for org in org1 org2; do wait_until_listening "peer0-${org}" "$(org_peer_port "$org")"; done

# ---- channel membership (idempotent) ----
osn=(-o "$ORDERER_ADMIN_ENDPOINT" --ca-file "$ORDERER_TLS_CA" --client-cert "$ORDERER_TLS_CERT" --client-key "$ORDERER_TLS_KEY")
if osnadmin channel list "${osn[@]}" 2>/dev/null | grep -q "\"${ACETRACE_CHANNEL}\""; then
  log "orderer already in '${ACETRACE_CHANNEL}'"
else
  log "joining the orderer to '${ACETRACE_CHANNEL}'"
  osnadmin channel join --channelID "$ACETRACE_CHANNEL" --config-block "$CHANNEL_BLOCK" "${osn[@]}"
fi
for org in org1 org2; do
  use_org_admin "$org"
  if peer channel list 2>/dev/null | grep -qx "$ACETRACE_CHANNEL"; then
    log "peer0.${org} already in '${ACETRACE_CHANNEL}'"
  else
    log "joining peer0.${org} to '${ACETRACE_CHANNEL}'"
    joined=0
    for _ in 1 2 3 4 5; do
      # The orderer needs a moment to elect itself Raft leader after joining the channel.
      if peer channel join -b "$CHANNEL_BLOCK" >>"${LOG_DIR}/peer-cli.log" 2>&1; then joined=1; break; fi
      sleep 2
    done
    [[ "$joined" == 1 ]] || die "peer0.${org} could not join '${ACETRACE_CHANNEL}'; see ${LOG_DIR}/peer-cli.log"
  fi
done
# ---- chaincode servers of the committed definition, after a down.sh (deploy.sh starts them first) ----
if [[ -f "${NANO_DIR}/chaincode/committed-label" ]]; then
  label="$(<"${NANO_DIR}/chaincode/committed-label")"
  for org in org1 org2; do
    start_chaincode_server "$org" "$(<"${NANO_DIR}/chaincode/${label}-${org}/package-id")"
  done
fi
log "network up: orderer localhost:7050, peer0.org1 localhost:7051, peer0.org2 localhost:9051. Next: network/nano/identities.sh"
