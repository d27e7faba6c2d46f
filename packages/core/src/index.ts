export * from './libc/libc.js';
