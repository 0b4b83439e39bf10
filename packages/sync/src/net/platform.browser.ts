/** Browser libp2p node factory (WebSockets, WebRTC, relay transport). */
export { createPeerNode, browserDialAllowed } from './create-peer-node.browser.ts';
