#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR
# Deploy (or upgrade) the acetrace chaincode as a service (ccaas) on the nano network:
#   1. build chaincode/ (npm run build)
#   2. per organisation, a ccaas package (chaincode/scripts/package.js): metadata.json
#      {"type":"ccaas"} plus code.tar.gz holding connection.json (where that org's chaincode
#      server listens)
#   3. install it on the org's peer, start the chaincode server for it
#      (fabric-chaincode-node server --chaincode-address ... --chaincode-id <package id>)
#   4. approve the definition for Org1 and Org2, commit it, check it
#   deploy.sh [--version V] [--sequence N] [--policy "OR('Org1MSP.peer','Org2MSP.peer')"]
# Without --sequence: 1 on a new channel, the committed sequence + 1 otherwise (an upgrade; the
# ledger is kept). Without --version: 1.<sequence - 1>.
set -euo pipefail
# shellcheck source=env.sh
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/env.sh"

parse_deploy_args "$@"
for org in "${ACETRACE_ORGS[@]}"; do
  pid_of "peer0-${org}" >/dev/null || die "peer0.${org} is not running: run network/nano/up.sh first"
done
deploy_chaincode
