/** Catalog test helpers and contract suites, for this package's tests and other packages' scenarios. */
export * from './test-library.ts';
export * from './timeline-index-store.contract.ts';
