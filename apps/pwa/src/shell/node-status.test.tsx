import type { NodeStatus } from '@hearth/sync';
import { render } from '@solidjs/testing-library';
import { describe, expect, it } from 'vitest';
import { NodeStatusPanel, nodeStatusDetails, nodeStatusLine } from './node-status.tsx';

const at = Date.UTC(2026, 0, 10, 12);
const busy: NodeStatus = {
  at,
  assets: 40,
  devicesOnline: 1,
  reconcile: {
    idle: false,
    kinds: {
      images: { done: 30, pending: 8, running: 2, failed: 1, current: 'IMG_0031.jpg' },
      video: { done: 3, pending: 0, running: 0, failed: 0 },
    },
  },
  import: { done: 12, total: 40, startedAt: at - 60_000, current: '/photos/2025/IMG_0012.jpg' },
  backups: { lastExportAt: null, notExported: 40, auditCopies: 0 },
};
const idle: NodeStatus = {
  ...busy,
  reconcile: { idle: true, kinds: { images: { done: 40, pending: 0, running: 0, failed: 0 } } },
  import: { done: 40, total: 40, startedAt: at - 600_000, finishedAt: at - 300_000 },
  backups: { lastExportAt: at - 2 * 86_400_000, notExported: 5, auditCopies: 1 },
};

describe('home node status panel', () => {
  it('says what the node is busy with, and the file it is on', () => {
    expect(nodeStatusLine(busy)).toBe(
      'Home node: importing 12 of 40 · making thumbnails, 10 left (IMG_0031.jpg)',
    );
    expect(nodeStatusDetails(busy)).toEqual([
      'thumbnails: 30 done, 10 to do, 1 failed',
      'videos: 3 done',
      'import: 12 of 40 files (IMG_0012.jpg)',
      'backups: never exported (40 assets only on the home node)',
    ]);
  });

  it('says when all is done, with the last import and backups', () => {
    expect(nodeStatusLine(idle)).toBe('Home node: all done');
    expect(nodeStatusDetails(idle)).toEqual([
      'thumbnails: 40 done',
      'last import: 40 of 40 files, finished 5 min ago',
      'backups: last export 2 days ago, 5 assets since',
      'audit log copied to 1 other node',
    ]);
    expect(nodeStatusDetails({ ...idle, import: { ...idle.import!, stopped: true } })[1]).toMatch(/stopped/);
  });

  it('renders nothing while the status is not known, and the summary once it is', () => {
    const empty = render(() => <NodeStatusPanel />);
    expect(empty.container.textContent).toBe('');
    const shown = render(() => <NodeStatusPanel status={busy} />);
    expect(shown.getByTestId('node-status').textContent).toMatch(/importing 12 of 40/);
  });
});
