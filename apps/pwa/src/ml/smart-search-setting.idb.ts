/**
 * "Smart search on this device": whether this device fetches the home node's CLIP image model
 * to embed its own offline imports for semantic search (`wantsPublishedModel` in @hearth/ml: a
 * real model is ~350 MB, so above 50 MB it is fetched only once the user turns this on). Kept
 * in IndexedDB (`hearth-device-settings`), which the page (Settings) and the peer worker (device
 * analysis) both read; the worker also writes the size of the model the home node publishes, so
 * the page can say what turning it on downloads. A change is announced on a BroadcastChannel,
 * so the worker looks again at once.
 */
import { LibraryStorageError } from '../library/library-errors.ts';
import { openStores } from '../library/open-stores.idb.ts';

/** What is kept. */
export interface SmartSearchSetting {
  /** the user's choice; undefined while they never chose (the size decides) */
  on?: boolean;
  /** bytes of the CLIP image model the home node publishes, as last seen by the worker */
  modelBytes?: number;
}

export interface SmartSearchStore {
  read(): Promise<SmartSearchSetting>;
  setOn(on: boolean): Promise<void>;
  /** records the published model's size (written only when it changed) */
  setModelBytes(bytes: number): Promise<void>;
  /** `fn` runs when another context (or this one) changed the setting; returns the unsubscribe */
  onChange(fn: () => void): () => void;
  close(): void;
}

const KEY = 'smartSearch';

export async function openSmartSearchStore(dbName = 'hearth-device-settings'): Promise<SmartSearchStore> {
  const db = await openStores(dbName, 1, ['kv'], `the device settings ${dbName}`);
  const channel = typeof BroadcastChannel === 'function' ? new BroadcastChannel(dbName) : undefined;
  const listeners = new Set<() => void>();
  const notify = () => {
    for (const fn of listeners) fn();
  };
  channel?.addEventListener('message', notify);
  const read = async (): Promise<SmartSearchSetting> => {
    const v = (await db.get('kv', KEY)) as SmartSearchSetting | undefined;
    const out: SmartSearchSetting = {};
    if (typeof v?.on === 'boolean') out.on = v.on;
    if (typeof v?.modelBytes === 'number' && Number.isFinite(v.modelBytes)) out.modelBytes = v.modelBytes;
    return out;
  };
  const write = async (patch: SmartSearchSetting) => {
    try {
      await db.put('kv', { ...(await read()), ...patch }, KEY);
    } catch (e) {
      throw new LibraryStorageError('save the smart search setting', e);
    }
    // A BroadcastChannel does not deliver to its own sender: tell this context's listeners too.
    channel?.postMessage('changed');
    notify();
  };
  return {
    read,
    setOn: (on) => write({ on }),
    async setModelBytes(bytes) {
      if ((await read()).modelBytes !== bytes) await write({ modelBytes: bytes });
    },
    onChange(fn) {
      listeners.add(fn);
      return () => listeners.delete(fn);
    },
    close() {
      listeners.clear();
      channel?.close();
      db.close();
    },
  };
}
