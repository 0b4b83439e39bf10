import { createContext, useContext, type JSX } from 'solid-js';
import type { PeerClient } from './peer-client.ts';

const PeerContext = createContext<PeerClient | undefined>();

/** Provides this device's peer (pairing, connection) to the views. */
export function PeerProvider(props: { client: PeerClient | undefined; children: JSX.Element }): JSX.Element {
  return <PeerContext.Provider value={props.client}>{props.children}</PeerContext.Provider>;
}

export function usePeer(): PeerClient | undefined {
  return useContext(PeerContext);
}
