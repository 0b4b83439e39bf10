/**
 * Entry point: opens this device's library and upload queue, then renders. Before pairing the
 * library is the local-only replica; once paired it is the synced catalog in the peer worker
 * (what was made locally before pairing stays in the local replica: not migrated yet).
 */
import { render } from 'solid-js/web';
import { App } from './app.tsx';
import { createLocalLibrary } from './library/local-library.idb.ts';
import { createUploadQueue } from './upload/upload-queue.idb.ts';
import { createPeerClient } from './peer/peer-client.ts';
import { loadPairing } from './peer/device-store.idb.ts';
import { createWorkerLibrary } from './peer/worker-library.ts';
import { openTimelineReader } from './catalog/timeline-index-reader.ts';
import type { LibraryClient } from './library/library-client.ts';
import './styles.css';

const peer = createPeerClient();
const pairing = await loadPairing();
const library: LibraryClient = pairing?.libraryPublicKey
  ? // The timeline paints from the index in IndexedDB; everything else asks the worker.
    createWorkerLibrary(peer, { timeline: openTimelineReader(pairing.libraryId) })
  : createLocalLibrary({ dbName: 'hearth-library' });
const uploads = createUploadQueue({ dbName: 'hearth-uploads', library });
const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');

await library.start();
await uploads.start();
render(() => <App library={library} uploads={uploads} peer={peer} />, root);
// After the first paint: reconnect to the home node when this device is paired. Offline is
// normal for a local-first app, so a failure here is only logged.
requestIdleCallback(
  () => void peer.connect().catch((e: unknown) => console.info('home node not reachable now:', e)),
);
