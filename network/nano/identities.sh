#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR
# Register and enroll one user per acetrace role in Org1 and Org2 at the organisation's Fabric CA
# (started by up.sh), with acetrace.role=<role> in the enrolment certificate
# (--id.attrs 'acetrace.role=<role>:ecert'). MSP folders go to
# ${ACETRACE_NANO_DATA_DIR}/identities/<org>/users/<org>-<role>/msp. Safe to run again.
set -euo pipefail
# shellcheck source=env.sh
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/env.sh"

require_cmd fabric-ca-client "put the Fabric CA client in FABRIC_BIN_DIR."
for org in org1 org2; do
  pid_of "ca-${org}" >/dev/null || die "the CA of ${org} is not running: run network/nano/up.sh first"
  register_and_enroll_roles "$org" "$(org_msp "$org")" "$(org_ca_url "$org")" "$(org_ca_name "$org")" \
    "$(org_ca_cert "$org")" "${NANO_DIR}/identities/${org}"
done
log "identities written under ${NANO_DIR}/identities. Next: network/nano/deploy.sh"
