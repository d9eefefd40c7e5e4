/** UserIds and GroupIds: random, recorded for ever, so that none is handed out twice. */
import type { Repositories } from '../../store/repositories.js';

/** Draws until the store has never seen the ID (a collision is vanishingly rare; the bound is a safety net). */
export async function issueId(tx: Repositories, kind: 'user' | 'group', draw: () => string, at: string): Promise<string> {
  for (let attempt = 0; attempt < 10; attempt++) {
    const id = draw();
    if (await tx.ram.accounts.claimId(id, kind, at)) return id;
  }
  throw new Error(`could not draw an unused ${kind} ID`);
}
