/**
 * "Backed up twice" against real home nodes (separate processes): a photo backed up from the
 * browser shows which home nodes hold it; once a second node has joined the library (`hearth
 * init --join`) the open Back up page says, without a reload, that the photo is on only one of
 * them, and "free up space only after 2 copies" frees nothing until the second node has pulled
 * it; then the info panel names both nodes and the original can be freed.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { cleanUp, closeBrowser, stopProcess, within } from './bounded-close.ts';
import { appRoot, e2eSkipReason, fixturesDir, launchChromium, screenshotPath } from './browser.ts';
import { startHomeNode, type HomeNode } from './home-node.ts';
import { pairInUi } from './pair-in-ui.ts';

const skip = e2eSkipReason;
const cli = `${appRoot}/../node-peer/src/cli.ts`;

/** A second home node joins A's library with a home-node code (A signs its certificate). */
function joinSecondNode(a: HomeNode, dataDir: string, name: string): void {
  const join = (JSON.parse(a.hearth('pair', '--home-node', '--json')) as { link: string }).link;
  const init = spawnSync(
    process.execPath,
    [cli, '--data-dir', dataDir, 'init', '--join', join, '--node-name', name, '--json'],
    { encoding: 'utf8', timeout: 60_000 },
  );
  assert.equal(init.status, 0, init.stderr);
}

/** Runs `hearth start` on a joined data dir until it prints `ready`. */
async function startSecondNode(dataDir: string): Promise<ChildProcess> {
  const child = spawn(
    process.execPath,
    [cli, '--data-dir', dataDir, 'start', '--port', '0', '--p2p-port', '0', '--no-mdns'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  const ready = new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (b: Buffer) => {
      out += b.toString();
      if (/^ready$/m.test(out)) resolve();
    });
    child.stderr!.on('data', (b: Buffer) => (out += b.toString()));
    child.once('exit', (code) => reject(new Error(`second node exited (${code}):\n${out}`)));
  });
  // Bounded; a node that never got ready is killed (its pipes would hold the run open).
  await within('second node ready', ready, 90_000).catch(async (e: unknown) => {
    await stopProcess(child, 0);
    throw new Error(`${(e as Error).message}:\n${out}`, { cause: e });
  });
  return child;
}

void describe('backed up on two home nodes', { skip, timeout: 420_000 }, () => {
  let node: HomeNode;
  let second: ChildProcess | undefined;
  const secondDir = mkdtempSync(`${tmpdir()}/hearth-e2e-second-`);
  let browser: Browser;
  let page: Page;
  const photo = `${fixturesDir}/immich-test-assets/formats/jpg/el_torcal_rocks.jpg`;
  const photoId = createHash('sha256').update(readFileSync(photo)).digest('hex');

  before(async () => {
    node = await startHomeNode();
    browser = await launchChromium();
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-US' });
    page = await context.newPage();
    page.setDefaultTimeout(60_000);
    if (process.env['HEARTH_E2E_DEBUG']) {
      page.on('worker', (w) => w.on('console', (m) => console.error(`[worker] ${m.text()}`)));
      page.on('console', (m) => console.error(`[page ${m.type()}] ${m.text()}`));
    }
  });
  after(() =>
    cleanUp([
      ['close Chromium', () => closeBrowser(browser)],
      // waited for (SIGKILL after 15 s) before its dir goes
      ['stop the second node', () => stopProcess(second)],
      ['stop the home node', () => node?.stop()],
      ['remove the second data dir', () => rmSync(secondDir, { recursive: true, force: true })],
    ]),
  );

  const backupState = () => page.getByTestId('backup-state');
  const summary = () => page.getByTestId('backup-summary');
  const freeButton = () => page.getByTestId('free-up-space');

  void it('names the home node holding a photo backed up from the browser', async () => {
    assert.match(await pairInUi(page, node.url, node.pairingLink, 'Phone'), /Paired/);
    await page.goto(`${node.url}#/import`);
    await page.reload();
    await page.getByTestId('file-input').setInputFiles([photo]);
    await page.locator('li[data-state="done"]').filter({ hasText: 'el_torcal_rocks.jpg' }).waitFor();
    await page.goto(`${node.url}#/photos/${photoId}`);
    await backupState()
      .filter({ hasText: 'Backed up on 1 home node: home node' })
      .waitFor({ timeout: 120_000 });
    await page.goto(`${node.url}#/import`);
    await summary().filter({ hasText: 'Every photo and video is on the home node' }).waitFor();
    // "Only after 2 copies": with one home node there is nothing to free; unticked, there is.
    await freeButton()
      .filter({ hasText: /Free up/ })
      .waitFor();
    await page.getByTestId('free-after-two-copies').check();
    await freeButton().filter({ hasText: 'Nothing to free up' }).waitFor();
  });

  void it('a second home node joins: "only on one home node" until it pulls the original, then both are named', async () => {
    joinSecondNode(node, secondDir, 'backup');
    // Joined but not started: the photo is on one of the library's two home nodes. The open
    // page hears of the join (the root document's home nodes changed; no asset did) and
    // recounts by itself; a reloaded page counts the same.
    await summary()
      .filter({ hasText: '1 photo or video only on one home node' })
      .waitFor({ timeout: 60_000 });
    await page.reload();
    await summary()
      .filter({ hasText: '1 photo or video only on one home node' })
      .waitFor({ timeout: 60_000 });
    await freeButton().filter({ hasText: 'Nothing to free up' }).waitFor();
    await page.screenshot({ path: screenshotPath('backup-only-one-node-laptop') });
    second = await startSecondNode(secondDir);
    await page.goto(`${node.url}#/photos/${photoId}`);
    await backupState()
      .filter({ hasText: 'Backed up on 2 home nodes: backup, home node' })
      .waitFor({ timeout: 180_000 });
    await page.screenshot({ path: screenshotPath('backed-up-twice-laptop') });
    await page.goto(`${node.url}#/import`);
    await page.reload();
    await summary().filter({ hasText: 'Every photo and video is on at least 2 home nodes' }).waitFor();
    // The setting survived the reload, and the original now counts.
    assert.equal(await page.getByTestId('free-after-two-copies').isChecked(), true);
    await freeButton()
      .filter({ hasText: /Free up/ })
      .click();
    const dialog = page.getByRole('alertdialog');
    await dialog.getByRole('button', { name: 'Remove from this device' }).click();
    await page
      .getByRole('status')
      .filter({ hasText: /Freed .* \(1 original\)/ })
      .waitFor();
  });
});
