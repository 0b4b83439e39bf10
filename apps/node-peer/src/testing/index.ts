/** Helpers for integration tests and benchmarks (`@hearth/node-peer/testing`). */
export * from './cli-process.ts';
export { buildNodeLibrary } from './node-library-fixture.ts';
export { readAuditEntries } from './audit-entries.ts';
