import type { Command } from 'commander';
import { resolveConfig, type NodeConfig } from '../config.ts';

/** Settings for a command: its flags over env over the config file. */
export function configOf(
  cmd: Command,
  extra: Partial<Record<keyof NodeConfig, string | number | undefined>> = {},
): NodeConfig {
  const g = cmd.optsWithGlobals<{ dataDir?: string; config?: string }>();
  const flags: Parameters<typeof resolveConfig>[0] = { ...extra };
  if (g.dataDir !== undefined) flags.dataDir = g.dataDir;
  if (g.config !== undefined) flags.config = g.config;
  return resolveConfig(flags);
}

export function printJson(value: unknown): void {
  process.stdout.write(JSON.stringify(value, null, 2) + '\n');
}

export function formatBytes(n: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let i = 0;
  while (n >= 1000 && i < units.length - 1) {
    n /= 1000;
    i++;
  }
  return `${n.toFixed(i ? 1 : 0)} ${units[i]}`;
}
