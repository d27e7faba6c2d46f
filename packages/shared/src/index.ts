export * from './api.js';
export * from './container-record.js';
export * from './container-spec.js';
export * from './format-bytes.js';
export * from './size.js';
