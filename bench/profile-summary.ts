/**
 * Summarises a V8 .cpuprofile (from `BENCH_CPU_PROF=<dir> npm run bench`): where the time goes,
 * by area (our source files, packages, Node internals), by function self time, and by function
 * inclusive time.
 * Usage: node --import tsx bench/profile-summary.ts <file.cpuprofile> [rows] [filter]
 *   filter: only count samples whose stack has a frame whose function or URL contains it.
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}

interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

const [file, rowsText, filter] = process.argv.slice(2);
if (!file) {
  process.stderr.write('usage: profile-summary.ts <file.cpuprofile> [rows] [filter]\n');
  process.exit(2);
}
const rows = Number(rowsText ?? 25);
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;

const byId = new Map<number, ProfileNode>();
const parent = new Map<number, number>();
for (const node of profile.nodes) byId.set(node.id, node);
for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);

function area(url: string, name: string): string {
  if (!url) return name.startsWith('(') ? name : '(native)';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1]!;
  const ours = /\/work\/[^/]+\/((?:src|bench|test)\/.*)$/.exec(url.replace(/^file:\/\//, ''));
  if (ours) return ours[1]!;
  if (url.startsWith('node:')) return url.split('/')[0]!.replace(/^node:internal.*/, 'node:internal');
  return url;
}

function label(node: ProfileNode): string {
  const { functionName, url, lineNumber } = node.callFrame;
  const where = url ? `${area(url, functionName)}:${lineNumber + 1}` : '';
  return `${functionName || '(anonymous)'} ${where}`.trim();
}

const self = new Map<string, number>();
const inclusive = new Map<string, number>();
const areas = new Map<string, number>();
let counted = 0;
let total = 0;
for (let i = 0; i < profile.samples.length; i++) {
  const dt = (profile.timeDeltas[i] ?? 0) / 1000; // ms
  total += dt;
  const leaf = byId.get(profile.samples[i]!)!;
  const stack: ProfileNode[] = [];
  for (let id: number | undefined = leaf.id; id !== undefined; id = parent.get(id)) stack.push(byId.get(id)!);
  if (filter && !stack.some((n) => n.callFrame.functionName.includes(filter) || n.callFrame.url.includes(filter))) continue;
  counted += dt;
  const leafLabel = label(leaf);
  self.set(leafLabel, (self.get(leafLabel) ?? 0) + dt);
  const leafArea = area(leaf.callFrame.url, leaf.callFrame.functionName);
  areas.set(leafArea, (areas.get(leafArea) ?? 0) + dt);
  for (const name of new Set(stack.map(label))) inclusive.set(name, (inclusive.get(name) ?? 0) + dt);
}

function print(title: string, map: Map<string, number>): void {
  process.stdout.write(`\n${title}\n`);
  const sorted = [...map].sort((a, b) => b[1] - a[1]).slice(0, rows);
  for (const [name, ms] of sorted) {
    process.stdout.write(`${((ms / counted) * 100).toFixed(1).padStart(6)} %  ${ms.toFixed(0).padStart(7)} ms  ${name}\n`);
  }
}

process.stdout.write(`${file}: ${total.toFixed(0)} ms sampled${filter ? `, ${counted.toFixed(0)} ms with "${filter}" on the stack` : ''}\n`);
print('self time by area (leaf frame)', areas);
print('self time by function', self);
print('inclusive time by function', inclusive);
