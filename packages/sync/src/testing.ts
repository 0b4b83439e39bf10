/** Contract suites and multi-peer helpers that other packages and the browser e2e reuse. */
export * from './catalog/testing.ts';
export * from './net/testing.ts';
export * from './blobs/testing.ts';
