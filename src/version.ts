/** The version of rdcontacts, from its package.json (one level up from src/ and from dist/ alike). */
import { readFileSync } from 'node:fs';

export const serviceVersion: string = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;
