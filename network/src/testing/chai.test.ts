/**
 * chai 6 is an ES module that Node 20.19+ loads with require(); TypeScript's `module: Node16`
 * reports TS1479 for it, so this one re-export carries the suppression.
 */
// @ts-expect-error TS1479: CommonJS require of the ESM-only chai, supported by Node >= 20.19
export { expect } from 'chai';
