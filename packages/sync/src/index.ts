export * from './ids.ts';
export * from './errors.ts';
export * from './identity/index.ts';
export * from './catalog/index.ts';
export * from './net/index.ts';
export * from './blobs/index.ts';
export * from './status/index.ts';
