/** Browser backends (IndexedDB, WebSockets, WebRTC). Chosen by the `browser` condition of `@hearth/sync/platform`. */
export * from './catalog/platform.browser.ts';
export * from './net/platform.browser.ts';
export * from './blobs/platform.browser.ts';
