/**
 * The storage backends every behaviour suite runs against. Each entry opens a fresh, empty store.
 * PostgreSQL joins this list with its own issue; suites loop over `backends` and need no change.
 */
import { openStore, type Store } from '../../src/store/store.js';

export interface Backend {
  name: string;
  open(): Promise<Store>;
}

export const backends: Backend[] = [{ name: 'sqlite', open: () => openStore('sqlite::memory:') }];
