/** chai 6 is an ES module; TypeScript's module node20 and Node >= 20.19 load it with require(). */
export { expect } from 'chai';
