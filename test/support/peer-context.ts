import type { DocHandle, Repo } from '@automerge/automerge-repo';
import type {
  LibraryAccess,
  LibraryKey,
  Libp2pNetworkAdapter,
  PairingCodes,
  PeerNode,
  SwitchableAccess,
  RootDoc,
} from '@hearth/sync';

/** Everything a command handler may use inside a peer process. */
export interface PeerContext {
  name: string;
  dataDir: string;
  node: PeerNode;
  repo: Repo;
  adapter: Libp2pNetworkAdapter;
  /** the access check the node and adapter use; `useLibrary` (or `access.use`) picks the library */
  access: SwitchableAccess;
  /** set on the home node only */
  libraryKey?: LibraryKey;
  root?: DocHandle<RootDoc>;
  codes?: PairingCodes;
  /** added to Date.now() by the pairing clock, so tests can expire codes */
  clockSkewMs: number;
  /** installs a LibraryAccess (follows the root doc, enforces revocations) */
  useLibrary(access: LibraryAccess, root: DocHandle<RootDoc>): void;
  emit(event: string, detail?: Record<string, unknown>): void;
  /** extra state that added command sets keep (e.g. the catalog) */
  extra: Record<string, unknown>;
}

/** A command: arguments from the test in, a JSON-able result out. */
export type CommandHandler = (ctx: PeerContext, args: Record<string, unknown>) => Promise<unknown>;
