export * from './api.js';
export * from './container-record.js';
export * from './container-spec.js';
export * from './device-mapping.js';
export * from './format-bytes.js';
export * from './security-options.js';
export * from './size.js';
export * from './tmpfs-mount.js';
