import { cleanup, fireEvent, render, screen } from '@solidjs/testing-library';
import { afterEach, describe, expect, it } from 'vitest';
import type { LibraryClient } from '../library/library-client.ts';
import { LibraryProvider } from '../shell/library-context.tsx';
import { ImportView } from './import-view.tsx';
import { UploadQueueProvider } from './upload-context.tsx';
import type { UploadQueue } from './upload-queue.ts';

describe('<ImportView>', () => {
  afterEach(cleanup);

  it('files the queue cannot take (storage full) are said not to be backed up', async () => {
    const queue = {
      entries: () => [],
      onUpdate: () => () => {},
      add: () => Promise.reject(new Error('the device storage is full')),
    } as unknown as UploadQueue;
    // Only what the page's "Free up space" part reads.
    const library = {
      spaceToFree: async () => ({ count: 0, bytes: 0 }),
      backupSummary: async () => ({ total: 0, onNoHomeNode: 0, onOneHomeNode: 0, homeNodes: 0 }),
      onChange: () => () => {},
    } as unknown as LibraryClient;
    render(() => (
      <LibraryProvider client={library}>
        <UploadQueueProvider queue={queue}>
          <ImportView />
        </UploadQueueProvider>
      </LibraryProvider>
    ));
    const files = [new File(['a'], 'a.jpg'), new File(['b'], 'b.jpg')];
    fireEvent.change(screen.getByTestId('file-input'), { target: { files } });
    expect((await screen.findByRole('alert')).textContent).toBe(
      'Could not add 2 files to the backup queue: the device storage is full',
    );
  });
});
