# shellcheck shell=bash
# Role identities at a Fabric CA (sourced by common.sh).

# register_and_enroll_roles ORG OUT_DIR
#   Enrolls a private copy of ORG's CA bootstrap admin (ACETRACE_CA_ADMIN, default admin:adminpw)
#   as registrar under OUT_DIR/registrar, then for each role registers the client identity
#   "<org>-<role>" with the attribute acetrace.role=<role> placed in the enrolment certificate
#   (":ecert") and enrolls it into OUT_DIR/users/<org>-<role>/msp. Idempotent: an identity that is
#   already registered is only enrolled again.
register_and_enroll_roles() {
  local org="$1" out_dir="$2"
  local msp_id ca_url ca_name ca_tls
  msp_id="$(org_msp "$org")"; ca_url="$(org_ca_url "$org")"; ca_name="$(org_ca_name "$org")"
  ca_tls="$(org_ca_tls_cert "$org")"
  local admin="${ACETRACE_CA_ADMIN:-admin:adminpw}" host="${ca_url#https://}"
  local registrar="${out_dir}/registrar" clog="${out_dir}/fabric-ca-client.log"

  [[ -f "$ca_tls" ]] || die "CA TLS certificate not found: ${ca_tls}"
  mkdir -p "$registrar" "${out_dir}/users"

  log "${msp_id}: enrolling the CA registrar at ${ca_url} (${ca_name})"
  fabric-ca-client enroll -u "https://${admin}@${host}" --caname "$ca_name" \
    --tls.certfiles "$ca_tls" --home "$registrar" --mspdir msp >>"$clog" 2>&1 \
    || die "enrolling the registrar of ${ca_name} failed; see ${clog}"

  local role name secret user_dir
  for role in "${ACETRACE_ROLES[@]}"; do
    name="${org}-${role}"
    secret="${name}pw"
    user_dir="${out_dir}/users/${name}"
    if fabric-ca-client identity list --id "$name" --caname "$ca_name" --tls.certfiles "$ca_tls" \
      --home "$registrar" --mspdir msp -u "$ca_url" >>"$clog" 2>&1; then
      log "${msp_id}: ${name} already registered"
    else
      log "${msp_id}: registering ${name} with acetrace.role=${role}"
      fabric-ca-client register --caname "$ca_name" -u "$ca_url" \
        --id.name "$name" --id.secret "$secret" --id.type client \
        --id.attrs "acetrace.role=${role}:ecert" \
        --tls.certfiles "$ca_tls" --home "$registrar" --mspdir msp >>"$clog" 2>&1 \
        || die "registering ${name} failed; see ${clog}"
    fi
    rm -rf "${user_dir}/msp"
    mkdir -p "$user_dir"
    fabric-ca-client enroll -u "https://${name}:${secret}@${host}" --caname "$ca_name" \
      --tls.certfiles "$ca_tls" --home "$user_dir" --mspdir msp >>"$clog" 2>&1 \
      || die "enrolling ${name} failed; see ${clog}"
    # Record what connection.sh needs: MSP id, role, certificate and key paths.
    printf '%s\n' "$msp_id" >"${user_dir}/mspid"
    printf '%s\n' "$role" >"${user_dir}/role"
  done
}

# enroll_role_identities: every role identity of every organisation, under IDENTITIES_DIR/<org>.
enroll_role_identities() {
  local org
  for org in "${ACETRACE_ORGS[@]}"; do
    register_and_enroll_roles "$org" "${IDENTITIES_DIR}/${org}"
  done
  log "identities written under ${IDENTITIES_DIR}. Next: network/${ROUTE}/deploy.sh"
}
