/**
 * Makes two requests on one contact race for real: each request's read of the contact is held
 * until `count` reads have arrived, so all of them read the same version before any writes.
 * Returns the function that puts the store back.
 */
import type { Store } from '../../src/store/store.js';

export function holdContactReads(store: Store, contactId: string, count = 2): () => void {
  const original = store.contacts;
  let arrived = 0;
  let release!: () => void;
  const allRead = new Promise<void>((resolve) => (release = resolve));
  store.contacts = Object.create(original, {
    findVisible: {
      value: async (directoryId: string, id: string) => {
        const row = await original.findVisible(directoryId, id);
        if (id === contactId) {
          if (++arrived === count) release();
          await allRead;
        }
        return row;
      },
    },
  });
  return () => {
    store.contacts = original;
  };
}
