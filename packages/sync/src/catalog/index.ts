export type { RootDoc } from './root-doc.ts';
