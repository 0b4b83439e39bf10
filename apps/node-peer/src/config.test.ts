import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveConfig } from './config.ts';

const dir = () => mkdtempSync(join(tmpdir(), 'hearth-cfg-'));

describe('resolveConfig', () => {
  it('takes flags over env over the config file over defaults', () => {
    const d = dir();
    writeFileSync(join(d, 'config.json'), JSON.stringify({ port: 1111, host: '0.0.0.0', concurrency: 3 }));
    const env = { HEARTH_DATA_DIR: d, HEARTH_PORT: '2222' };
    expect(resolveConfig({}, env)).toMatchObject({ dataDir: d, port: 2222, host: '0.0.0.0', concurrency: 3 });
    expect(resolveConfig({ port: '3333' }, env).port).toBe(3333);
    expect(resolveConfig({}, { HEARTH_DATA_DIR: d }).port).toBe(1111);
    expect(resolveConfig({ dataDir: dir() }, env).host).toBe('127.0.0.1');
  });

  it('reads an explicit config file, which may also name the data dir', () => {
    const d = dir();
    const file = join(d, 'hearth.json');
    writeFileSync(file, JSON.stringify({ dataDir: join(d, 'lib'), port: 9 }));
    expect(resolveConfig({ config: file }, {})).toMatchObject({ dataDir: join(d, 'lib'), port: 9 });
    expect(resolveConfig({}, { HEARTH_CONFIG: file }).port).toBe(9);
  });

  it('rejects bad settings with a message naming them', () => {
    const d = dir();
    expect(() => resolveConfig({ dataDir: d, port: 'abc' }, {})).toThrow(/port must be a whole number/);
    expect(() => resolveConfig({ dataDir: d, tlsCert: '/x.pem' }, {})).toThrow(/both tlsCert and tlsKey/);
    writeFileSync(join(d, 'config.json'), '{"prot": 1}');
    expect(() => resolveConfig({ dataDir: d }, {})).toThrow(/unknown setting "prot"/);
    writeFileSync(join(d, 'config.json'), '{oops');
    expect(() => resolveConfig({ dataDir: d }, {})).toThrow(/not valid JSON/);
    expect(() => resolveConfig({ config: join(d, 'missing.json') }, {})).toThrow(/cannot read config file/);
  });

  it('ML is on by default; `"ml": false` in the file or HEARTH_ML=off turns it off; the models dir resolves', () => {
    const d = dir();
    expect(resolveConfig({ dataDir: d }, {}).ml).toBe(true);
    expect(resolveConfig({ dataDir: d }, { HEARTH_ML: 'off', HEARTH_MODELS_DIR: 'm' })).toMatchObject({
      ml: false,
      modelsDir: join(process.cwd(), 'm'),
    });
    writeFileSync(join(d, 'config.json'), JSON.stringify({ ml: false, mdns: false }));
    expect(resolveConfig({ dataDir: d }, {})).toMatchObject({ ml: false, mdns: false });
    expect(resolveConfig({ dataDir: d }, { HEARTH_ML: 'on' }).ml).toBe(true);
  });

  it('reads ICE servers from a flag, HEARTH_ICE_SERVERS or the config file (as a JSON list), and refuses bad ones', () => {
    const d = dir();
    const turn = { urls: 'turn:t.example:3478', username: 'u', credential: 'p' };
    expect(resolveConfig({ dataDir: d }, {}).iceServers).toEqual([]);
    expect(
      resolveConfig({ dataDir: d, iceServers: 'stun:a.example:3478, stun:b.example' }, {}).iceServers,
    ).toEqual([{ urls: ['stun:a.example:3478'] }, { urls: ['stun:b.example'] }]);
    const env = { HEARTH_ICE_SERVERS: JSON.stringify([turn]) };
    expect(resolveConfig({ dataDir: d }, env).iceServers).toEqual([{ ...turn, urls: [turn.urls] }]);
    writeFileSync(join(d, 'config.json'), JSON.stringify({ iceServers: [turn, 'stun:c.example'] }));
    expect(resolveConfig({ dataDir: d }, {}).iceServers).toEqual([
      { ...turn, urls: [turn.urls] },
      { urls: ['stun:c.example'] },
    ]);
    expect(resolveConfig({ dataDir: d, iceServers: 'stun:flag.example' }, env).iceServers).toEqual([
      { urls: ['stun:flag.example'] },
    ]);
    expect(() => resolveConfig({ dataDir: d, iceServers: 'turn:t.example' }, {})).toThrow(
      /iceServers: ICE server 1: a TURN server needs a username and credential/,
    );
    expect(() => resolveConfig({ dataDir: d }, { HEARTH_ICE_SERVERS: 'http://x' })).toThrow(
      expect.objectContaining({ code: 'CONFIG' }),
    );
  });
});
