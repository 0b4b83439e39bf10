import type { Command } from 'commander';
import qrcode from 'qrcode-terminal';
import { callDaemon } from '../daemon-client.ts';
import type { PairingOffer } from '../device-admin.ts';
import { configOf, printJson } from './common.ts';

/** Print a pairing offer: code, link, and a QR code of the link. */
export function printOffer(o: PairingOffer, write: (s: string) => void, qr: boolean): void {
  const who = o.role === 'home-node' ? 'one second home node' : 'one device';
  write(`Pairing code: ${o.code} (valid until ${new Date(o.expiresAt).toLocaleTimeString()}, ${who}, once)`);
  write(`Pairing link: ${o.link}`);
  if (qr) qrcode.generate(o.link, { small: true }, (s) => write(s));
}

export function registerPair(program: Command): void {
  program
    .command('pair')
    .description('make a one-time pairing code (with link and QR) for a new device; needs the running node')
    .option('--json', 'machine-readable output')
    .option('--no-qr', 'do not draw the QR code')
    .option('--home-node', 'a code for a second home node that joins this library and pins everything')
    .action(async (o: { json?: boolean; qr: boolean; homeNode?: boolean }, cmd: Command) => {
      const path = `/api/admin/pairing-codes${o.homeNode ? '?role=home-node' : ''}`;
      const offer = await callDaemon<PairingOffer>(configOf(cmd).dataDir, 'POST', path);
      if (o.json) return printJson(offer);
      if (o.homeNode) {
        printOffer(offer, (s) => process.stdout.write(s + '\n'), false);
        process.stdout.write(`On the second node (a fresh data dir): hearth init --join '${offer.link}'\n`);
        return;
      }
      printOffer(offer, (s) => process.stdout.write(s + '\n'), o.qr);
      process.stdout.write(
        'In the Hearth app: Devices → Pair with a home node, then enter the code or scan the QR code.\n',
      );
    });
}
