# shellcheck shell=bash
# Shared helpers for the acetrace Fabric scripts (sourced, never run).
# Used by network/test-network/*.sh and network/nano/*.sh.

ACETRACE_LIB_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ACETRACE_REPO_ROOT="$(cd "${ACETRACE_LIB_DIR}/../.." && pwd)"
export ACETRACE_REPO_ROOT

# The seven roles of shared/spec/domain.md, one identity per role per organisation.
ACETRACE_ROLES=(viewer supplier logistics broker auditor compliance admin)
ACETRACE_CHANNEL="${ACETRACE_CHANNEL:-acetrace}"
ACETRACE_CC_NAME="${ACETRACE_CC_NAME:-acetrace}"
# Any one peer of Org1 or Org2 may endorse (see network/README-fabric.md, "Endorsement policy").
ACETRACE_CC_POLICY="${ACETRACE_CC_POLICY:-OR('Org1MSP.peer','Org2MSP.peer')}"

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
  local dir="$1" found=()
  local f
  for f in "$dir"/*; do
    [[ -f "$f" ]] && found+=("$f")
  done
  [[ ${#found[@]} -eq 1 ]] || die "expected exactly one file in ${dir}, found ${#found[@]}"
  printf '%s\n' "${found[0]}"
}

# register_and_enroll_roles ORG MSPID CA_URL CA_NAME CA_TLS_CERT OUT_DIR
#   Enrolls a private copy of the CA's bootstrap admin (ACETRACE_CA_ADMIN, default admin:adminpw)
#   as registrar under OUT_DIR/registrar, then for each role registers the client identity
#   "<org>-<role>" with the attribute acetrace.role=<role> placed in the enrollment certificate
#   (":ecert") and enrolls it into OUT_DIR/users/<org>-<role>/msp. Idempotent: an identity that is
#   already registered is only enrolled again.
register_and_enroll_roles() {
  local org="$1" msp_id="$2" ca_url="$3" ca_name="$4" ca_tls="$5" out_dir="$6"
  local admin="${ACETRACE_CA_ADMIN:-admin:adminpw}"
  local host="${ca_url#https://}"
  local registrar="${out_dir}/registrar"

  [[ -f "$ca_tls" ]] || die "CA TLS certificate not found: ${ca_tls}"
  mkdir -p "$registrar" "${out_dir}/users"

  log "${msp_id}: enrolling the CA registrar at ${ca_url} (${ca_name})"
  fabric-ca-client enroll -u "https://${admin}@${host}" --caname "$ca_name" \
    --tls.certfiles "$ca_tls" --home "$registrar" --mspdir msp >>"${out_dir}/fabric-ca-client.log" 2>&1 \
    || die "enrolling the registrar of ${ca_name} failed; see ${out_dir}/fabric-ca-client.log"

  local role name secret user_dir
  for role in "${ACETRACE_ROLES[@]}"; do
    name="${org}-${role}"
    secret="${name}pw"
    user_dir="${out_dir}/users/${name}"
    if fabric-ca-client identity list --id "$name" --caname "$ca_name" --tls.certfiles "$ca_tls" \
      --home "$registrar" --mspdir msp -u "$ca_url" >>"${out_dir}/fabric-ca-client.log" 2>&1; then
      log "${msp_id}: ${name} already registered"
    else
      log "${msp_id}: registering ${name} with acetrace.role=${role}"
      fabric-ca-client register --caname "$ca_name" -u "$ca_url" \
        --id.name "$name" --id.secret "$secret" --id.type client \
        --id.attrs "acetrace.role=${role}:ecert" \
        --tls.certfiles "$ca_tls" --home "$registrar" --mspdir msp >>"${out_dir}/fabric-ca-client.log" 2>&1 \
        || die "registering ${name} failed; see ${out_dir}/fabric-ca-client.log"
    fi
    rm -rf "${user_dir}/msp"
    mkdir -p "$user_dir"
    fabric-ca-client enroll -u "https://${name}:${secret}@${host}" --caname "$ca_name" \
      --tls.certfiles "$ca_tls" --home "$user_dir" --mspdir msp >>"${out_dir}/fabric-ca-client.log" 2>&1 \
      || die "enrolling ${name} failed; see ${out_dir}/fabric-ca-client.log"
    # Record what connection.sh needs: MSP id, role, certificate and key paths.
    printf '%s\n' "$msp_id" >"${user_dir}/mspid"
    printf '%s\n' "$role" >"${user_dir}/role"
  done
}

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

# usage: print the comment block at the top of the running script (its help text).
usage() {
  awk 'NR == 1 { next } /^# shellcheck/ { next } /^#/ { sub(/^# ?/, ""); print; next } { exit }' "$0"
}
