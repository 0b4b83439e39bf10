import type { DeviceCertificate, DeviceRevocation } from '../identity/device-certificate.ts';
import type { HomeNodeAddresses } from '../net/home-node-addresses.ts';

/**
 * The library root document: small, synced to every paired device first.
 * `catalog/` owns the index fields; `identity/` owns `devices` and `revocations`.
 */
export interface RootDoc {
  schema: 1;
  libraryId: string;
  /** base64url Ed25519 public key of the library */
  libraryPublicKey: string;
  name: string;
  createdAt: number;
  devices: Record<string, DeviceCertificate>;
  revocations: Record<string, DeviceRevocation>;
  /** asset shard key (e.g. "2024-07" or "2024-07.1" after a split) → automerge URL */
  shards: Record<string, string>;
  /** album id → automerge URL */
  albums: Record<string, string>;
  /** automerge URL of the people document, once created */
  people?: string;
  /** automerge URL of the ML document (month blobs of machine results), once created */
  ml?: string;
  settings: Record<string, string | number | boolean>;
  /**
   * home node id → where it can be reached, signed by that node (`net/home-node-addresses.ts`);
   * each node writes only its own entry, and devices dial any of them
   */
  homeNodes?: Record<string, HomeNodeAddresses>;
}
