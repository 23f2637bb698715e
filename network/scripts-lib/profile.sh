# shellcheck shell=bash
# The gateway's connection profile (sourced by common.sh).

# write_connection_profile OUT PEERS_TSV USERS_DIR...
#   PEERS_TSV: lines "mspId<TAB>endpoint<TAB>hostAlias<TAB>tlsCaCertPath".
#   USERS_DIR: folders holding users/<name>/{mspid,role,msp/signcerts/cert.pem,msp/keystore/*}.
#   Writes the gateway's connection profile (ACETRACE_CONNECTION_PROFILE format) with node.
write_connection_profile() {
  local out="$1" peers_tsv="$2"
  shift 2
  local identities_tsv="" users_dir user_dir name key
  for users_dir in "$@"; do
    for user_dir in "${users_dir}"/users/*; do
      [[ -f "${user_dir}/role" ]] || continue
      name="$(basename "$user_dir")"
      key="$(single_file "${user_dir}/msp/keystore")"
      [[ -f "${user_dir}/msp/signcerts/cert.pem" ]] || die "no certificate for ${name}: run identities.sh"
      identities_tsv+="${name}	$(<"${user_dir}/mspid")	$(<"${user_dir}/role")	${user_dir}/msp/signcerts/cert.pem	${key}"$'\n'
    done
  done
  [[ -n "$identities_tsv" ]] || die "no identities found under $*: run identities.sh first"
  mkdir -p "$(dirname "$out")"
  # shellcheck disable=SC2016 # the script is JavaScript; node reads the values from the environment
  ACETRACE_OUT="$out" ACETRACE_PEERS="$peers_tsv" ACETRACE_IDS="$identities_tsv" \
    ACETRACE_CHANNEL="$ACETRACE_CHANNEL" ACETRACE_CC_NAME="$ACETRACE_CC_NAME" node -e '
const fs = require("node:fs");
const rows = (s) => s.split("\n").filter((l) => l.trim() !== "").map((l) => l.split("\t"));
const peers = rows(process.env.ACETRACE_PEERS).map(([mspId, endpoint, hostAlias, tlsCaCertPath]) => {
  if (!fs.existsSync(tlsCaCertPath)) throw new Error(`TLS CA certificate missing: ${tlsCaCertPath}`);
  return { mspId, endpoint, hostAlias, tlsCaCertPath };
});
const identities = rows(process.env.ACETRACE_IDS).map(([name, mspId, role, certPath, keyPath]) => ({ name, mspId, role, certPath, keyPath }));
const profile = { channel: process.env.ACETRACE_CHANNEL, chaincode: process.env.ACETRACE_CC_NAME, peers, identities };
fs.writeFileSync(process.env.ACETRACE_OUT, JSON.stringify(profile, null, 2) + "\n", { mode: 0o600 });
console.log(`${process.env.ACETRACE_OUT}: ${peers.length} peers, ${identities.length} identities`);
'
}

# write_network_profile [OUT]: the route's profile (default DATA_DIR/connection.json): peer0 of
# every organisation and every identity under IDENTITIES_DIR; then the two lines that use it.
write_network_profile() {
  require_cmd node "Node.js writes the JSON."
  local out peers="" org users_dirs=()
  out="$(abs_path "${1:-${DATA_DIR}/connection.json}")"
  for org in "${ACETRACE_ORGS[@]}"; do
    peers+="$(org_msp "$org")	$(org_peer_endpoint "$org")	$(org_peer_host "$org")	$(org_peer_tls_ca "$org")"$'\n'
    users_dirs+=("${IDENTITIES_DIR}/${org}")
  done
  write_connection_profile "$out" "$peers" "${users_dirs[@]}"
  cat >&2 <<MSG
[acetrace] gateway:        export ACETRACE_CONNECTION_PROFILE=${out}
[acetrace] fabric tests:   export ACETRACE_FABRIC_CONNECTION_PROFILE=${out}
MSG
}
