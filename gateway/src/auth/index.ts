export * from './authenticate';
export * from './jwt';
export * from './principals';
