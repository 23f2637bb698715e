#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR
# Start fabric-samples' test-network (Org1, Org2, one Raft orderer, Fabric CAs) and create the
# channel "acetrace":  network.sh up createChannel -c acetrace -ca
# Extra arguments go to network.sh (e.g. -s couchdb).
# Needs Docker and FABRIC_SAMPLES_DIR. Next: identities.sh, deploy.sh, connection.sh.
set -euo pipefail
# shellcheck source=env.sh
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/env.sh"

require_cmd docker "test-network runs Fabric in Docker containers; install Docker (or use network/nano)."
docker info >/dev/null 2>&1 || die "the Docker engine is not reachable (docker info failed)"
require_cmd peer "install the Fabric binaries into ${FABRIC_SAMPLES_DIR}/bin (install-fabric.sh binary)."

log "starting test-network with CAs and channel '${ACETRACE_CHANNEL}'"
(cd "$TN_DIR" && ./network.sh up createChannel -c "$ACETRACE_CHANNEL" -ca "$@")
log "network up. Next: network/test-network/identities.sh"
