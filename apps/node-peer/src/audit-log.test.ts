import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeEntry, verifyChain } from './audit-chain.ts';
import type { AuditEntry } from './audit-log.ts';
import { createHypercoreAuditLog } from './audit-log.hypercore.ts';
import { loadOrCreateLibraryKey } from './library-key.ts';

const newKey = async () =>
  (await loadOrCreateLibraryKey(join(mkdtempSync(join(tmpdir(), 'hearth-key-')), 'library.key'))).key;

describe('audit log on hypercore', () => {
  it('appends signed entries that verify after reopening', async () => {
    const key = await newKey();
    const dir = join(mkdtempSync(join(tmpdir(), 'hearth-audit-')), 'audit');
    const log = createHypercoreAuditLog(dir, key);
    await log.append('device.paired', { device: 'a' });
    await log.append('device.revoked', { device: 'a' });
    const again = createHypercoreAuditLog(dir, key);
    const entries = await again.entries();
    expect(entries.map((e) => e.type)).toEqual(['device.paired', 'device.revoked']);
    expect(await again.verify()).toEqual({ ok: true, length: 2, problems: [] });
  });

  it('waits for another holder of the log instead of failing', async () => {
    const key = await newKey();
    const dir = join(mkdtempSync(join(tmpdir(), 'hearth-audit-')), 'audit');
    const a = createHypercoreAuditLog(dir, key);
    const b = createHypercoreAuditLog(dir, key);
    await Promise.all([
      a.append('export', { n: 1 }),
      b.append('export', { n: 2 }),
      a.append('export', { n: 3 }),
    ]);
    const v = await a.verify();
    expect(v).toMatchObject({ ok: true, length: 3 });
  });
});

describe('audit chain', () => {
  it('detects altered, removed, reordered and foreign entries', async () => {
    const key = await newKey();
    const other = await newKey();
    const e: AuditEntry[] = [];
    for (let i = 0; i < 4; i++) e.push(makeEntry(key, e.at(-1), 'asset.deleted', { asset: String(i) }));
    expect(verifyChain(e, key)).toEqual([]);
    const altered = e.map((x, i) => (i === 1 ? { ...x, data: { asset: 'x' } } : x));
    expect(verifyChain(altered, key)).toEqual([
      'entry 1: bad signature (altered, or not signed by this library)',
      'entry 2: chain broken (an earlier entry was altered or removed)',
    ]);
    expect(verifyChain([e[0], e[2], e[3]], key).join()).toMatch(/entry 1: sequence number 2.*chain broken/);
    expect(verifyChain([e[1], e[0]], key).length).toBeGreaterThan(0);
    expect(verifyChain(e, other).filter((p) => p.includes('bad signature'))).toHaveLength(4);
    expect(verifyChain([null], key)).toEqual(['entry 0: missing or unreadable']);
  });
});
