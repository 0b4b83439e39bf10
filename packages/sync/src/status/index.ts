export * from './node-status.ts';
export { STATUS_PROTOCOL } from './status-protocol.ts';
export { createStatusServer, type StatusServer, type StatusServerOptions } from './status-server.ts';
export { watchNodeStatus } from './status-client.ts';
