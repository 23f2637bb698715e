/** Response schemas of every route (the OpenAPI document's responses). */
export * from './problem';
export * from './health';
export * from './lots';
export * from './events';
export * from './provenance';
export * from './readings';
export * from './stream';
export * from './parties';
export { sameShape, type SameShape } from './same-shape';
export * from './provenance-views';
