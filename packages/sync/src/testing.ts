/** Contract suites and multi-peer helpers that other packages and the browser e2e reuse. */
export {};
