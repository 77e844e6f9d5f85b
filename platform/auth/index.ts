export * from './principal';
export * from './tokens';
export * from './internal';
