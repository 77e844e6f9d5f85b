export * from './principal';
export * from './tokens';
export * from './internal';
export * from './tenancy';
export * from './capabilities';
export * from './authorize';
export * from './guard-root-fields';
