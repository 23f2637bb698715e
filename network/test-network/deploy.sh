#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR
# Deploy the acetrace chaincode to the channel with Fabric's chaincode lifecycle, the same steps
# as network/nano/deploy.sh (network/scripts-lib/lifecycle.sh): build chaincode/, package it as a
# node chaincode (chaincode/scripts/package.js), install it on both peers, approve for Org1 and
# Org2, commit.
#   deploy.sh [--version V] [--sequence N] [--policy "OR('Org1MSP.peer','Org2MSP.peer')"]
# Without --sequence: 1 on a new channel, the committed sequence + 1 otherwise (an upgrade; the
# ledger is kept). Without --version: 1.<sequence - 1> (1.0 on a new channel).
# The endorsement policy (ACETRACE_CC_POLICY) lets a transaction be endorsed by any one peer of
# either organisation; see network/README-fabric.md for the stricter AND alternative.
set -euo pipefail
# shellcheck source=env.sh
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/env.sh"

parse_deploy_args "$@"
deploy_chaincode
