export * from './common';
export * from './lots';
export * from './events';
export * from './provenance';
export * from './readings';
export * from './responses';
export * from './parties';
export * from './dossier';
