export * from './container-spec.js';
export * from './size.js';
