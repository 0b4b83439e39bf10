import type { Command } from 'commander';
import qrcode from 'qrcode-terminal';
import { callDaemon } from '../daemon-client.ts';
import type { PairingOffer } from '../device-admin.ts';
import { configOf, printJson } from './common.ts';

/** Print a pairing offer: code, link, and a QR code of the link. */
export function printOffer(o: PairingOffer, write: (s: string) => void, qr: boolean): void {
  write(
    `Pairing code: ${o.code} (valid until ${new Date(o.expiresAt).toLocaleTimeString()}, one device, once)`,
  );
  write(`Pairing link: ${o.link}`);
  if (qr) qrcode.generate(o.link, { small: true }, (s) => write(s));
}

export function registerPair(program: Command): void {
  program
    .command('pair')
    .description('make a one-time pairing code (with link and QR) for a new device; needs the running node')
    .option('--json', 'machine-readable output')
    .option('--no-qr', 'do not draw the QR code')
    .action(async (o: { json?: boolean; qr: boolean }, cmd: Command) => {
      const offer = await callDaemon<PairingOffer>(configOf(cmd).dataDir, 'POST', '/api/admin/pairing-codes');
      if (o.json) return printJson(offer);
      printOffer(offer, (s) => process.stdout.write(s + '\n'), o.qr);
      process.stdout.write(
        'In the Hearth app: Devices → Pair with a home node, then enter the code or scan the QR code.\n',
      );
    });
}
