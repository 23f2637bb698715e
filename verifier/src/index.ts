/** @acetrace/verify: offline verification of acetrace-proof/1 bundles. */
export { verifyBundle, requiredEndorsers } from './verify';
export { parseBundle, BundleFormatError, BUNDLE_FORMAT } from './bundle';
export type {
  ProofBundle, BundleBlock, BundleHeader, BundleEvent, BundleSubject, TrustAnchors, OrganisationAnchors,
  EndorsementPolicy, PolicyRule,
} from './bundle';
export { CHECKS, formatReport, describeFailure } from './report';
export type { CheckName, CheckResult, EventReport, Failure, Report } from './report';
export { blockHeaderBytes, blockHeaderHash, blockDataHash } from './fabric';
