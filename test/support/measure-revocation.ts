/**
 * Measures how fast a revocation cuts a device off, across real processes (home node,
 * phone, laptop connected to the phone over WebSockets). Not a test: figures, medians of
 * `runs`. Run: `node test/support/measure-revocation.ts [runs]` (Node 24).
 * Prints report-format JSON lines; lives here (not bench/) because it drives test peers.
 */
import { median, report } from '../../bench/report.ts';
import { stopAllPeers, threePeers } from './spawn-peer.ts';

const runs = Number(process.argv[2] ?? 3);
const arrive: number[] = [];
const cut: number[] = [];
for (let i = 0; i < runs; i++) {
  const { home, devices } = await threePeers();
  const [phone, laptop] = devices;
  if (!phone || !laptop) throw new Error('threePeers gave fewer devices');
  await laptop.call('wait-root', { key: 'devices', deviceId: phone.peerId });
  await phone.call('wait-root', { key: 'devices', deviceId: laptop.peerId });
  await laptop.call('dial', { addr: phone.addrs.ws });
  await laptop.call('wait-sync-peer', { peer: phone.peerId });
  const t0 = Date.now();
  await home.call('revoke', { deviceId: phone.peerId });
  const r = await laptop.waitEvent((e) => e.event === 'revoked' && e['peer'] === phone.peerId);
  const g = await laptop.waitEvent((e) => e.event === 'peer:disconnect' && e['peer'] === phone.peerId);
  arrive.push(r.at - t0);
  cut.push(g.at - r.at);
  await stopAllPeers();
}
report({ bench: 'revocation-cutoff', metric: 'arrival_ms', value: median(arrive), unit: 'ms' });
report({ bench: 'revocation-cutoff', metric: 'cutoff_after_arrival_ms', value: median(cut), unit: 'ms' });
process.exit(0);
