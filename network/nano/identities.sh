#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR
# Register and enroll one user per acetrace role in Org1 and Org2 at the organisation's Fabric CA
# (started by up.sh), with acetrace.role=<role> in the enrolment certificate
# (--id.attrs 'acetrace.role=<role>:ecert'). MSP folders go to
# ${ACETRACE_NANO_DATA_DIR}/identities/<org>/users/<org>-<role>/msp. Safe to run again.
set -euo pipefail
# shellcheck source=env.sh
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/env.sh"

case "${1:-}" in -h|--help) usage; exit 0 ;; esac
require_cmd fabric-ca-client "put the Fabric CA client in FABRIC_BIN_DIR."
for org in "${ACETRACE_ORGS[@]}"; do
  pid_of "ca-${org}" >/dev/null || die "the CA of ${org} is not running: run network/nano/up.sh first"
done
enroll_role_identities
