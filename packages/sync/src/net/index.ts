export type { PeerAccess } from './peer-access.ts';
