/**
 * The library's ML document (see ml-doc.ts), listed in the root as `ml`. The home node
 * creates it (deterministic id and first change, as the people document) and writes month
 * references; devices read it, and write only their own results (`setDeviceResult`) for photos
 * they analysed themselves. Because its id and first change are deterministic, a device that
 * never reached the node can create it too (`openMlCatalog`), and both copies merge later.
 */
import * as A from '@automerge/automerge';
import { decodeHeads, type AutomergeUrl, type DocHandle, type Repo } from '@automerge/automerge-repo';
import { InvalidCatalogDataError, InvalidCatalogInputError } from './catalog-errors.ts';
import {
  emptyMl,
  readMlState,
  type MlBlobKind,
  type MlDeviceKind,
  type MlDoc,
  type MlModelRef,
  type MlMonthRef,
  type MlState,
} from './ml-doc.ts';
import type { RootDoc } from './root-doc.ts';
import { libraryDocUrl, openRootListedDoc } from './root-listed-doc.ts';

/** The actor of the ML document's first change (never used for later changes). */
const GENESIS_ACTOR = '686561727468' + '02' + '00'.repeat(9);

/** The URL of a library's ML document: the first 16 bytes of SHA-256 of its name. */
export async function mlDocUrl(libraryId: string): Promise<AutomergeUrl> {
  return libraryDocUrl('hearth/ml/1', libraryId);
}

function mlGenesis(): Uint8Array {
  return A.save(
    A.change(A.init<MlDoc>({ actor: GENESIS_ACTOR }), { time: 0 }, (d) => void Object.assign(d, emptyMl())),
  );
}

/** Which blob holds each month's machine results. */
export interface MlCatalog {
  readonly url: AutomergeUrl;
  /** The document as plain data; throws InvalidCatalogDataError when it is not an ML document. */
  read(): MlState;
  /** The home node's write: the month's current blob of `kind` (`undefined` removes it). */
  setMonth(kind: MlBlobKind, month: string, ref: Omit<MlMonthRef, 'updatedAt'> | undefined): void;
  /** The home node's write: the model file it publishes for `task` (`undefined` withdraws it). */
  setModel(task: string, ref: Omit<MlModelRef, 'updatedAt'> | undefined): void;
  /**
   * A device's write: its own `kind` result for `asset` (made by `model`, JSON), or `undefined`
   * to remove it. Only under the device's own id, so no other writer shares the key.
   */
  setDeviceResult(
    device: string,
    asset: string,
    kind: MlDeviceKind,
    result: { model: string; json: string } | undefined,
  ): void;
  /**
   * The home node's write: it holds results of its own of `kinds` for `asset` (devices then
   * remove theirs); `undefined` removes the record.
   */
  setRecorded(asset: string, kinds: readonly MlDeviceKind[] | undefined): void;
  onChange(listener: () => void): () => void;
  /**
   * Resolves true once no connected peer is known to have changes to this document that this
   * repo lacks (its reported heads are all here), false after `maxMs` if one still has. The
   * node asks before running a model on a device's upload: that device's results may be on
   * their way (the upload and the document sync start together on reconnect).
   */
  caughtUp(maxMs: number): Promise<boolean>;
}

export interface MlCatalogOptions {
  repo: Repo;
  root: DocHandle<RootDoc>;
  now?: () => number;
}

function wrap(repo: Repo, handle: DocHandle<MlDoc>, now: () => number): MlCatalog {
  const read = (): MlState => {
    const r = readMlState(handle.doc());
    if (!r.ok) throw new InvalidCatalogDataError(`ml ${handle.url}`, r.reason);
    return r.value;
  };
  return {
    url: handle.url,
    read,
    setMonth(kind, month, ref) {
      if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(month))
        throw new InvalidCatalogInputError(`ML month must be YYYY-MM, got ${JSON.stringify(month)}`);
      if (ref && !/^[0-9a-f]{64}$/.test(ref.hash))
        throw new InvalidCatalogInputError(`ML ${kind} blob of ${month}: hash must be lowercase hex SHA-256`);
      handle.change((d) => {
        if (!ref) delete d[kind][month];
        // Replaced whole: one writer, so there is nothing to merge inside a reference.
        else
          d[kind][month] = {
            hash: new A.ImmutableString(ref.hash),
            models: new A.ImmutableString(ref.models),
            source: new A.ImmutableString(ref.source),
            assets: ref.assets,
            updatedAt: now(),
          };
      });
    },
    setModel(task, ref) {
      if (!/^[a-z0-9-]+$/.test(task))
        throw new InvalidCatalogInputError(`ML model task ${JSON.stringify(task)}`);
      if (ref && (!/^[0-9a-f]{64}$/.test(ref.hash) || !/^[^@\s]+@\S+$/.test(ref.key)))
        throw new InvalidCatalogInputError(
          `ML model of ${task}: needs a model key and a lowercase hex SHA-256`,
        );
      handle.change((d) => {
        if (!ref) {
          if (d.models) delete d.models[task];
          return;
        }
        d.models ??= {};
        d.models[task] = {
          key: new A.ImmutableString(ref.key),
          hash: new A.ImmutableString(ref.hash),
          bytes: ref.bytes,
          updatedAt: now(),
        };
      });
    },
    setDeviceResult(device, asset, kind, result) {
      if (!/^[0-9a-f]{64}$/.test(asset))
        throw new InvalidCatalogInputError(`ML device result: asset must be a lowercase hex SHA-256`);
      if (!device || /[\s/]/.test(device))
        throw new InvalidCatalogInputError(`ML device result: bad device id ${JSON.stringify(device)}`);
      if (result && !/^[^@\s]+@\S+$/.test(result.model))
        throw new InvalidCatalogInputError(`ML device result: bad model key ${JSON.stringify(result.model)}`);
      handle.change((d) => {
        if (!result) {
          const kinds = d.devices?.[device]?.[asset];
          if (kinds) delete kinds[kind];
          if (kinds && Object.keys(kinds).length === 0) delete d.devices![device]![asset];
          return;
        }
        d.devices ??= {};
        d.devices[device] ??= {};
        d.devices[device][asset] ??= {};
        // Replaced whole: one writer per device key.
        d.devices[device][asset][kind] = {
          model: new A.ImmutableString(result.model),
          json: new A.ImmutableString(result.json),
          at: now(),
        };
      });
    },
    setRecorded(asset, kinds) {
      if (!/^[0-9a-f]{64}$/.test(asset))
        throw new InvalidCatalogInputError(`ML recorded: asset must be a lowercase hex SHA-256`);
      handle.change((d) => {
        if (!kinds?.length) {
          if (d.recorded?.[asset] !== undefined) delete d.recorded[asset];
          return;
        }
        d.recorded ??= {};
        d.recorded[asset] = new A.ImmutableString([...kinds].sort().join(','));
      });
    },
    caughtUp(maxMs) {
      const behind = () =>
        repo.peers.some((p) => {
          const sid = repo.getStorageIdOfPeer(p);
          const h = sid === undefined ? undefined : handle.getSyncInfo(sid)?.lastHeads;
          return h !== undefined && !A.hasHeads(handle.doc() as A.Doc<MlDoc>, decodeHeads(h));
        });
      if (!behind()) return Promise.resolve(true);
      return new Promise<boolean>((resolve) => {
        const check = () => {
          if (behind()) return;
          done(true);
        };
        const done = (v: boolean) => {
          clearTimeout(timer);
          handle.off('change', check);
          handle.off('remote-heads', check);
          resolve(v);
        };
        const timer = setTimeout(() => done(false), maxMs);
        handle.on('change', check);
        handle.on('remote-heads', check);
      });
    },
    onChange(listener) {
      const l = () => listener();
      handle.on('change', l);
      return () => handle.off('change', l);
    },
  };
}

/** Opens (or creates, and lists in the root) the ML document: the home node's side. */
export async function openMlCatalog(opts: MlCatalogOptions): Promise<MlCatalog> {
  const { repo, root } = opts;
  const handle = await openRootListedDoc<MlDoc>(repo, root, 'ml', mlDocUrl, mlGenesis);
  return wrap(repo, handle, opts.now ?? Date.now);
}

/**
 * A device's side: the ML document once the root lists it (undefined before: the home node
 * has written no ML results yet). Rejects like `repo.find` when no connected peer has it.
 */
export async function findMlCatalog(opts: MlCatalogOptions): Promise<MlCatalog | undefined> {
  const listed = opts.root.doc().ml;
  if (typeof listed !== 'string') return undefined;
  return wrap(opts.repo, await opts.repo.find<MlDoc>(listed as AutomergeUrl), opts.now ?? Date.now);
}
