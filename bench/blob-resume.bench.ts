/**
 * blob-resume: bytes re-sent when the sending peer is SIGKILLed at 50 % of a blob and the
 * receiver finishes from a second peer (separate processes, TCP loopback). The bound is
 * what the protocol promises: at most the requests in flight (chunk size × window).
 *
 *   npm run bench -- blob-resume [--size 209715200] [--runs 3] [--window 8]
 *
 * Metric: `resent_over_bound` = re-sent bytes ÷ (chunk size × window), goal ≤ 1.
 */
import { rm } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { median, report } from './report.ts';
import { pair, spawnBlobPeer } from '../test/blob-support/spawn-blob-peer.ts';

const { values } = parseArgs({
  options: {
    size: { type: 'string', default: String(200 * 1024 * 1024) },
    runs: { type: 'string', default: '3' },
    window: { type: 'string', default: '8' },
    chunk: { type: 'string', default: String(1024 * 1024) },
  },
});
const size = Number(values.size);
const window = Number(values.window);
const chunkSize = Number(values.chunk);
const ratios: number[] = [];
const resent: number[] = [];
for (let r = 0; r < Number(values.runs); r++) {
  const [sender, backup, receiver] = await Promise.all([
    spawnBlobPeer({ chunkSize }),
    spawnBlobPeer({ chunkSize }),
    spawnBlobPeer({ chunkSize, window }),
  ]);
  try {
    await pair(receiver, sender);
    await pair(receiver, backup);
    const [{ hash }] = await Promise.all([
      sender.call<{ hash: string }>('generate', { size, seed: 100 + r }, 600_000),
      backup.call<{ hash: string }>('generate', { size, seed: 100 + r }, 600_000),
    ]);
    const fetching = receiver.call<{ resentBytes: number; dropped: string[] }>(
      'fetch',
      { hash, peers: [sender.peerId, backup.peerId], pauseAt: size / 2 },
      600_000,
    );
    await receiver.event('paused', 600_000);
    await sender.stop('SIGKILL');
    await receiver.call('resume');
    const got = await fetching;
    if (got.dropped[0] !== sender.peerId) throw new Error('the killed sender was not dropped');
    resent.push(got.resentBytes);
    ratios.push(got.resentBytes / (chunkSize * window));
  } finally {
    for (const p of [sender, backup, receiver]) {
      await p.stop('SIGKILL');
      await rm(p.store, { recursive: true, force: true });
    }
  }
}
report({
  bench: 'blob-resume',
  metric: 'resent_bytes',
  value: median(resent),
  unit: 'bytes',
  anchor: { name: 'chunk size × window', value: chunkSize * window },
});
report({
  bench: 'blob-resume',
  metric: 'resent_over_bound',
  value: median(ratios),
  unit: 'ratio',
  anchor: { name: 'goal', value: 1 },
});
