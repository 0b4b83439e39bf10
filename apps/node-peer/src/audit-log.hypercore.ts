import Hypercore from 'hypercore';
import { makeEntry, verifyChain } from './audit-chain.ts';
import type { AuditEntry, AuditLog, AuditVerifyResult } from './audit-log.ts';
import { AuditLogError } from './errors.ts';
import type { LibraryKey } from './library-key.ts';

/**
 * Another holder: RocksDB's lock, or hypercore's device file read while another opener is still
 * writing it (its content is written before its attribute, so a first open racing the creator
 * reads "moved unsafely"). Both pass once the other holder is done; a real fault stays to the deadline.
 */
function isLockError(err: unknown): boolean {
  return /could not be locked|LOCK|Invalid device file/i.test(String((err as Error)?.message));
}

/**
 * The audit log as a hypercore in `dir`, whose signing key pair is the library key (so a
 * replica on a second home node checks every block against the library's public key).
 * RocksDB allows one process at a time, so each call opens the core, works and closes
 * it, retrying briefly while another process (the daemon or a CLI command) holds it.
 */
export function createHypercoreAuditLog(
  dir: string,
  key: LibraryKey,
  opts: { lockWaitMs?: number } = {},
): AuditLog {
  const lockWaitMs = opts.lockWaitMs ?? 15_000;
  let chain: Promise<unknown> = Promise.resolve();

  async function withCore<T>(fn: (core: Hypercore) => Promise<T>): Promise<T> {
    const deadline = Date.now() + lockWaitMs;
    for (let delay = 10; ; delay = Math.min(delay * 2, 250)) {
      const core = new Hypercore(dir, { keyPair: key.raw, valueEncoding: 'json' });
      try {
        await core.ready();
      } catch (err) {
        await core.close().catch(() => undefined);
        if (!isLockError(err) || Date.now() > deadline)
          throw new AuditLogError(`cannot open the audit log in ${dir}: ${(err as Error).message}`);
        await new Promise((r) => setTimeout(r, delay));
        continue;
      }
      try {
        return await fn(core);
      } finally {
        await core.close();
      }
    }
  }

  function serial<T>(fn: () => Promise<T>): Promise<T> {
    const p = chain.then(fn);
    chain = p.catch(() => undefined);
    return p;
  }

  async function readAll(core: Hypercore): Promise<AuditEntry[]> {
    const out: AuditEntry[] = [];
    for (let i = 0; i < core.length; i++) out.push((await core.get(i, { wait: false })) as AuditEntry);
    return out;
  }

  return {
    append: (type, data) =>
      serial(() =>
        withCore(async (core) => {
          const last =
            core.length > 0 ? ((await core.get(core.length - 1, { wait: false })) as AuditEntry) : undefined;
          const entry = makeEntry(key, last, type, data);
          await core.append(entry);
          return entry;
        }),
      ),
    entries: () => serial(() => withCore(readAll)),
    replicate: (transport, isInitiator) =>
      serial(() =>
        withCore(
          (core) =>
            new Promise<void>((resolve) => {
              const s = core.replicate(isInitiator, { keepAlive: false });
              s.pipe(transport).pipe(s);
              const done = () => resolve();
              s.once('close', done);
              s.once('error', done);
              transport.once('close', done);
              transport.once('error', done);
            }),
        ),
      ),
    verify: () =>
      serial(() =>
        withCore(async (core): Promise<AuditVerifyResult> => {
          const problems: string[] = [];
          if (!core.keyPair || Buffer.compare(core.keyPair.publicKey, key.raw.publicKey) !== 0) {
            problems.push('the hypercore is not signed by this library key');
          }
          const entries = await readAll(core);
          problems.push(...verifyChain(entries, key));
          return { ok: problems.length === 0, length: entries.length, problems };
        }),
      ),
  };
}
