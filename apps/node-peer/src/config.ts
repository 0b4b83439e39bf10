import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseIceServers, type IceServer } from '@hearth/sync';
import { ConfigError } from './errors.ts';

/** Settings of a home node. Every field can come from a flag, an env var or the config file. */
export interface NodeConfig {
  /** Where the library lives (default `~/.hearth`). */
  dataDir: string;
  /** HTTP listen address (default 127.0.0.1; use 0.0.0.0 to serve the LAN). */
  host: string;
  /** HTTP port (default 8420; 0 picks a free one). */
  port: number;
  /** PEM certificate and key: when both are set the node serves HTTPS. */
  tlsCert?: string;
  tlsKey?: string;
  /** The built PWA to serve (default `apps/pwa/dist` of this checkout). */
  pwaDir: string;
  /** Derivation jobs running at once per kind (default 2). */
  concurrency: number;
  /** libp2p TCP port (default 8421); WebSockets listen on the next port. 0 picks free ones. */
  p2pPort: number;
  /** Announce and discover on the LAN with mDNS (default on; 0/false turns it off). */
  mdns: boolean;
  /** Run the ML steps (faces, tags, OCR) in the reconcile loop (default on; 0/false/off turns them off). */
  ml: boolean;
  /** Where the ML model files are (default `../shared/models` beside the repo). */
  modelsDir: string;
  /**
   * STUN/TURN servers the devices use for WebRTC between them (default none: host candidates,
   * enough on one LAN). A flag/env value is STUN URLs separated by commas or spaces, or a JSON
   * list like `[{"urls":"turn:t.example:3478","username":"u","credential":"p"}]`; the config
   * file may hold that list as JSON. Published to devices in the root document.
   */
  iceServers: IceServer[];
}

/** One source of settings, as loose strings/numbers before validation. */
export type ConfigLayer = Partial<Record<keyof NodeConfig, string | number | undefined>>;

/** Env var for each setting. */
export const ENV_NAMES: Record<keyof NodeConfig, string> = {
  dataDir: 'HEARTH_DATA_DIR',
  host: 'HEARTH_HOST',
  port: 'HEARTH_PORT',
  tlsCert: 'HEARTH_TLS_CERT',
  tlsKey: 'HEARTH_TLS_KEY',
  pwaDir: 'HEARTH_PWA_DIR',
  concurrency: 'HEARTH_CONCURRENCY',
  p2pPort: 'HEARTH_P2P_PORT',
  mdns: 'HEARTH_MDNS',
  ml: 'HEARTH_ML',
  modelsDir: 'HEARTH_MODELS_DIR',
  iceServers: 'HEARTH_ICE_SERVERS',
};

const DEFAULT_PWA_DIR = resolve(import.meta.dirname, '../../pwa/dist');
// apps/node-peer/src → the repo's parent holds `shared/models` (as @hearth/ml's own fallback).
const DEFAULT_MODELS_DIR = resolve(import.meta.dirname, '../../../../shared/models');
const OFF = ['0', 'false', 'off', 'no'];

/** The settings found in the environment. */
export function envLayer(env: NodeJS.ProcessEnv): ConfigLayer {
  const layer: ConfigLayer = {};
  for (const [key, name] of Object.entries(ENV_NAMES) as [keyof NodeConfig, string][]) {
    const v = env[name];
    if (v !== undefined && v !== '') layer[key] = v;
  }
  return layer;
}

/** The settings in a JSON config file; a missing file is an empty layer unless `required`. */
export function fileLayer(path: string, required: boolean): ConfigLayer {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if (!required && (err as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw new ConfigError(`cannot read config file ${path}: ${(err as Error).message}`, { cause: err });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new ConfigError(
      `config file ${path} is not valid JSON: ${(err as Error).message}; fix or remove it`,
      { cause: err },
    );
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new ConfigError(`config file ${path} must hold a JSON object like {"port": 8420}`);
  }
  const layer: ConfigLayer = {};
  for (const [k, v] of Object.entries(parsed)) {
    if (!(k in ENV_NAMES))
      throw new ConfigError(
        `config file ${path}: unknown setting "${k}" (known: ${Object.keys(ENV_NAMES).join(', ')})`,
      );
    // The ICE server list may be written as JSON in the file; it is read like the env var's.
    if (k === 'iceServers' && Array.isArray(v)) {
      layer.iceServers = JSON.stringify(v);
      continue;
    }
    if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean')
      throw new ConfigError(`config file ${path}: "${k}" must be a string, number or boolean`);
    // Switches (`"ml": false`, `"mdns": false`) are read from their string form like env vars.
    layer[k as keyof NodeConfig] = typeof v === 'boolean' ? String(v) : v;
  }
  return layer;
}

function pick(layers: ConfigLayer[], key: keyof NodeConfig): string | number | undefined {
  for (const l of layers) if (l[key] !== undefined) return l[key];
  return undefined;
}

function toInt(key: string, v: string | number | undefined, dflt: number, min: number, max: number): number {
  if (v === undefined) return dflt;
  const n = typeof v === 'number' ? v : Number(v);
  if (!Number.isInteger(n) || n < min || n > max)
    throw new ConfigError(`${key} must be a whole number from ${min} to ${max}, got ${JSON.stringify(v)}`);
  return n;
}

function iceServersOf(v: string | number | undefined): IceServer[] {
  try {
    return parseIceServers(String(v ?? ''));
  } catch (err) {
    throw new ConfigError(`iceServers: ${(err as Error).message}`, { cause: err });
  }
}

/**
 * Resolve settings with the documented precedence: flags > env vars > config file > defaults.
 * The config file is `--config`/`HEARTH_CONFIG`, else `<dataDir>/config.json` when present.
 */
export function resolveConfig(
  flags: ConfigLayer & { config?: string | undefined },
  env: NodeJS.ProcessEnv = process.env,
): NodeConfig {
  const envL = envLayer(env);
  const explicitFile = flags.config ?? env['HEARTH_CONFIG'];
  const early = explicitFile ? fileLayer(resolve(explicitFile), true) : {};
  const dataDir = resolve(String(pick([flags, envL, early], 'dataDir') ?? join(homedir(), '.hearth')));
  const file = explicitFile ? early : fileLayer(join(dataDir, 'config.json'), false);
  const layers = [flags, envL, file];
  const tlsCert = pick(layers, 'tlsCert');
  const tlsKey = pick(layers, 'tlsKey');
  if ((tlsCert === undefined) !== (tlsKey === undefined))
    throw new ConfigError('HTTPS needs both tlsCert and tlsKey (--tls-cert and --tls-key)');
  const cfg: NodeConfig = {
    dataDir,
    host: String(pick(layers, 'host') ?? '127.0.0.1'),
    port: toInt('port', pick(layers, 'port'), 8420, 0, 65535),
    pwaDir: resolve(String(pick(layers, 'pwaDir') ?? DEFAULT_PWA_DIR)),
    concurrency: toInt('concurrency', pick(layers, 'concurrency'), 2, 1, 64),
    p2pPort: toInt('p2pPort', pick(layers, 'p2pPort'), 8421, 0, 65534),
    mdns: !OFF.includes(String(pick(layers, 'mdns') ?? 'on').toLowerCase()),
    ml: !OFF.includes(String(pick(layers, 'ml') ?? 'on').toLowerCase()),
    modelsDir: resolve(String(pick(layers, 'modelsDir') ?? DEFAULT_MODELS_DIR)),
    iceServers: iceServersOf(pick(layers, 'iceServers')),
  };
  if (tlsCert !== undefined && tlsKey !== undefined) {
    cfg.tlsCert = resolve(String(tlsCert));
    cfg.tlsKey = resolve(String(tlsKey));
  }
  return cfg;
}
