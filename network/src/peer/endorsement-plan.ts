/**
 * Which organisations must endorse once the first endorser has run the proposal (fab
 * internal/pkg/gateway/endorse.go `planFromFirstEndorser`, core/endorser `buildChaincodeInterest`
 * and discovery over implicit collections): public writes (or no writes at all) need the
 * chaincode's policy; a collection written or read privately needs its organisation. With
 * transient data, only the collections' member organisations may see the proposal.
 */
import { implicitCollectionOrg } from '../ledger/private-data';
import { fromTxReadWriteSet, type NamespaceRwSet } from '../ledger/rwset';
import type { PeerNode } from './channel';
import type { EndorsementPolicy } from './tx-validator';

/** What the first endorser's simulation asks of the endorsement. */
export interface ChaincodeInterest {
  /** The chaincode's (channel) endorsement policy applies. */
  readonly chaincodePolicy: boolean;
  /** Collections written or read privately, by name. */
  readonly collections: readonly string[];
  /** Collections read with `getPrivateData` (their members alone may endorse, transient data or not). */
  readonly privateReads: readonly string[];
}

/** The endorsers to ask, in order, and when their set of organisations suffices. */
export interface EndorsementLayout {
  readonly peers: readonly PeerNode[];
  readonly satisfied: (orgs: ReadonlySet<string>) => boolean;
}

/** fab `buildChaincodeInterest` over the first endorser's read-write set. */
export function chaincodeInterest(results: Uint8Array, chaincodeName: string, privateReads: readonly string[]): ChaincodeInterest {
  let namespaces: NamespaceRwSet[] = [];
  try {
    namespaces = fromTxReadWriteSet(results).filter((ns) => ns.namespace === chaincodeName);
  } catch {
    // an unreadable rwset fails validation later; plan with the chaincode policy
  }
  const written = namespaces.flatMap((ns) => (ns.collections ?? []).filter((c) => c.hashedWrites.length > 0).map((c) => c.collection));
  const publicWrites = namespaces.some((ns) => ns.writes.length + ns.metadataWrites.length > 0);
  return {
    chaincodePolicy: publicWrites || written.length === 0,
    collections: [...new Set([...written, ...privateReads])],
    privateReads,
  };
}

/** The member organisations' peers of every collection in `restricted`: all peers when none is. */
function candidatesFor(peers: readonly PeerNode[], restricted: readonly string[]): PeerNode[] {
  return peers.filter((p) => restricted.every((c) => implicitCollectionOrg(c) === p.mspId));
}

/** Why no layout exists, or the layout: the first endorser (when eligible), collection members, then the others. */
export function planEndorsement(
  interest: ChaincodeInterest,
  policy: EndorsementPolicy,
  peers: readonly PeerNode[],
  first: PeerNode,
  hasTransientData: boolean,
): EndorsementLayout | { readonly failure: string } {
  const collectionOrgs = interest.collections.map((c) => implicitCollectionOrg(c) ?? c);
  const satisfied = (orgs: ReadonlySet<string>): boolean =>
    collectionOrgs.every((org) => orgs.has(org)) &&
    (!interest.chaincodePolicy || policy.orgs.filter((org) => orgs.has(org)).length >= policy.required);
  const feasible = (candidates: readonly PeerNode[]): boolean => satisfied(new Set(candidates.map((p) => p.mspId)));
  // fab: with transient data, NoPrivateReads is cleared so discovery keeps only collection members
  const candidates = candidatesFor(peers, hasTransientData ? interest.collections : interest.privateReads);
  if (!feasible(candidates)) {
    const protectedCollections = hasTransientData ? interest.collections.filter((c) => !interest.privateReads.includes(c)) : [];
    if (protectedCollections.length > 0 && feasible(candidatesFor(peers, interest.privateReads))) {
      return {
        failure: `requires endorsement from organisation(s) that are not in the distribution policy of the private data collection(s): [${protectedCollections.join(' ')}]; retry specifying trusted endorsing organizations to protect transient data`,
      };
    }
    return { failure: 'no peer combination can satisfy the endorsement policy' };
  }
  const members = candidates.filter((p) => p !== first && collectionOrgs.includes(p.mspId));
  const others = candidates.filter((p) => p !== first && !collectionOrgs.includes(p.mspId));
  return { peers: [...(candidates.includes(first) ? [first] : []), ...members, ...others], satisfied };
}
