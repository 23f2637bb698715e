#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR
# Register and enroll one user per acetrace role in each test-network organisation, against that
# organisation's Fabric CA, with the attribute acetrace.role=<role> in the certificate:
#   fabric-ca-client register --id.name org1-supplier --id.type client \
#     --id.attrs 'acetrace.role=supplier:ecert'
# MSP folders go to ${ACETRACE_FABRIC_DATA_DIR}/<org>/users/<org>-<role>/msp.
# Safe to run again (already registered users are enrolled again).
set -euo pipefail
# shellcheck source=env.sh
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/env.sh"

case "${1:-}" in -h|--help) usage; exit 0 ;; esac
require_cmd fabric-ca-client "install the Fabric CA client into ${FABRIC_SAMPLES_DIR}/bin (install-fabric.sh binary)."
enroll_role_identities
