import type { Command } from 'commander';
import { callDaemon } from '../daemon-client.ts';
import type { DeviceRow } from '../device-admin.ts';
import { configOf, printJson } from './common.ts';

export function registerDevices(program: Command): void {
  const devices = program
    .command('devices')
    .description('list paired devices (needs the running node)')
    .option('--json', 'machine-readable output')
    .action(async (o: { json?: boolean }, cmd: Command) => {
      const rows = await callDaemon<DeviceRow[]>(configOf(cmd).dataDir, 'GET', '/api/admin/devices');
      if (o.json) return printJson(rows);
      for (const r of rows) {
        const state = r.revoked ? 'revoked' : r.online ? 'online' : 'offline';
        process.stdout.write(
          `${r.deviceId}  ${r.role.padEnd(9)}  ${state.padEnd(7)}  ${new Date(r.issuedAt).toISOString().slice(0, 10)}  ${r.name}\n`,
        );
      }
    });
  devices
    .command('revoke')
    .description('revoke a device: it loses access at once, on every peer that syncs the library')
    .argument('<id>', 'device id (from `hearth devices`)')
    .option('--json', 'machine-readable output')
    .action(async (id: string, o: { json?: boolean }, cmd: Command) => {
      const row = await callDaemon<DeviceRow>(
        configOf(cmd).dataDir,
        'POST',
        `/api/admin/devices/${encodeURIComponent(id)}/revoke`,
      );
      if (o.json) return printJson(row);
      process.stdout.write(`revoked ${row.name} (${row.deviceId})\n`);
    });
}
