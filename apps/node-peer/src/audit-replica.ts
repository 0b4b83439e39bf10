import { createPublicKey, verify } from 'node:crypto';
import type { Duplex } from 'node:stream';
import Hypercore from 'hypercore';
import { verifyChain } from './audit-chain.ts';
import type { AuditVerifyResult } from './audit-log.ts';

/** libp2p protocol of audit-log replication (paired peers only). */
export const AUDIT_PROTOCOL = '/hearth/audit/1';

/** A verifier from the library's base64url raw public key (a replica never holds the private key). */
export function publicVerifier(publicKey: string): { verify(data: Uint8Array, sig: string): boolean } {
  const key = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: publicKey }, format: 'jwk' });
  return { verify: (data, sig) => verify(null, data, key, Buffer.from(sig, 'base64url')) };
}

/**
 * Pull a library's audit log into a read-only hypercore replica in `dir` over `transport`
 * and check it: hypercore checks every block against the library key's signed tree, and
 * the entry chain is checked here too. Returns what `hearth verify` would say of it.
 */
export async function pullAuditLog(
  dir: string,
  libraryPublicKey: string,
  transport: Duplex,
): Promise<AuditVerifyResult> {
  const core = new Hypercore(dir, Hypercore.key(Buffer.from(libraryPublicKey, 'base64url')), {
    valueEncoding: 'json',
  });
  await core.ready();
  try {
    const s = core.replicate(true, { keepAlive: false });
    s.pipe(transport).pipe(s);
    // The transport closing (the node went away, or the caller's time bound aborted it) ends the
    // pull: waiting for an update from a peer that is gone would never finish.
    const closed = new Promise<never>((_, reject) =>
      transport.once('close', () => reject(new Error('the connection closed during the pull'))),
    );
    closed.catch(() => undefined);
    await Promise.race([core.update({ wait: true }), closed]);
    const entries: unknown[] = [];
    for (let i = 0; i < core.length; i++) entries.push(await core.get(i));
    s.destroy();
    const problems = verifyChain(entries, publicVerifier(libraryPublicKey));
    // A log always starts with library.created: nothing at all means the node refused us.
    if (entries.length === 0)
      problems.push('received nothing: this node is not paired with that library, or the key is wrong');
    return { ok: problems.length === 0, length: entries.length, problems };
  } finally {
    await core.close();
  }
}
