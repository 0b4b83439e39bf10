import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { libraryIdOf } from '@hearth/sync';
import { loadLibraryKey, loadOrCreateLibraryKey } from './library-key.ts';

describe('library key file', () => {
  it('is created once (0600), reloads to the same identity, and its node:crypto signatures verify with the libp2p key', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'hearth-key-')), 'library.key');
    const [a, b] = await Promise.all([loadOrCreateLibraryKey(path), loadOrCreateLibraryKey(path)]);
    expect([a.created, b.created].sort()).toEqual([false, true]);
    expect(a.key.id).toBe(b.key.id);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    const again = await loadLibraryKey(path);
    expect(again.id).toBe(libraryIdOf(again.publicKey));
    const msg = new TextEncoder().encode('hello');
    const sig = again.sign(msg);
    expect(await again.identity.privateKey.publicKey.verify(msg, Buffer.from(sig, 'base64url'))).toBe(true);
    expect(again.verify(msg, sig)).toBe(true);
    expect(again.verify(new TextEncoder().encode('other'), sig)).toBe(false);
  });

  it('says to run init when there is no key', async () => {
    await expect(loadLibraryKey('/nonexistent/hearth/library.key')).rejects.toMatchObject({
      code: 'NOT_INITIALISED',
    });
  });
});
