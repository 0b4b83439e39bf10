/** Node backends (files, TCP, mDNS). Chosen by the `node` condition of `@hearth/sync/platform`. */
export * from './catalog/platform.node.ts';
export * from './net/platform.node.ts';
export * from './blobs/platform.node.ts';
