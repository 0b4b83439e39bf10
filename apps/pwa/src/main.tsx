/** Entry point: opens this device's library replica and upload queue, then renders. */
import { render } from 'solid-js/web';
import { App } from './app.tsx';
import { createLocalLibrary } from './library/local-library.idb.ts';
import { createUploadQueue } from './upload/upload-queue.idb.ts';
import './styles.css';

const library = createLocalLibrary({ dbName: 'hearth-library' });
const uploads = createUploadQueue({ dbName: 'hearth-uploads', library });
const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');

await library.start();
await uploads.start();
render(() => <App library={library} uploads={uploads} />, root);
