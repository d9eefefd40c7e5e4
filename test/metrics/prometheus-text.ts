/**
 * A small reader of the Prometheus text exposition format (version 0.0.4), as a scraper reads it:
 * `# HELP` / `# TYPE` lines and samples `name{label="value",…} value [timestamp]`, label values
 * with their escapes (\\, \", \n). Strict: a line it cannot read fails the test.
 */
import assert from 'node:assert/strict';

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface Scrape {
  samples: Sample[];
  /** Metric family → its TYPE. */
  types: Map<string, string>;
  help: Map<string, string>;
  text: string;
}

const namePattern = /^[a-zA-Z_:][a-zA-Z0-9_:]*/;
const labelNamePattern = /^[a-zA-Z_][a-zA-Z0-9_]*/;

function parseValue(text: string): number {
  if (text === '+Inf') return Infinity;
  if (text === '-Inf') return -Infinity;
  // Any case, as Prometheus reads it (Go's ParseFloat): prom-client writes `Nan`.
  if (text.toLowerCase() === 'nan') return Number.NaN;
  const value = Number(text);
  assert.ok(text !== '' && !Number.isNaN(value), `not a sample value: "${text}"`);
  return value;
}

function parseSample(line: string): Sample {
  const name = namePattern.exec(line)?.[0];
  assert.ok(name, `no metric name: ${line}`);
  let rest = line.slice(name.length);
  const labels: Record<string, string> = {};
  if (rest.startsWith('{')) {
    rest = rest.slice(1);
    for (;;) {
      if (rest.startsWith('}')) {
        rest = rest.slice(1);
        break;
      }
      const labelName = labelNamePattern.exec(rest)?.[0];
      assert.ok(labelName, `no label name at "${rest}" in ${line}`);
      rest = rest.slice(labelName.length);
      assert.ok(rest.startsWith('="'), `no ="value" after ${labelName} in ${line}`);
      rest = rest.slice(2);
      let value = '';
      for (;;) {
        const ch = rest[0];
        assert.ok(ch !== undefined, `unterminated label value in ${line}`);
        rest = rest.slice(1);
        if (ch === '"') break;
        if (ch === '\\') {
          const escaped = rest[0];
          rest = rest.slice(1);
          if (escaped === 'n') value += '\n';
          else if (escaped === '\\' || escaped === '"') value += escaped;
          else assert.fail(`bad escape \\${escaped} in ${line}`);
          continue;
        }
        value += ch;
      }
      assert.ok(!(labelName in labels), `label ${labelName} twice in ${line}`);
      labels[labelName] = value;
      if (rest.startsWith(',')) rest = rest.slice(1);
      else assert.ok(rest.startsWith('}'), `expected , or } at "${rest}" in ${line}`);
    }
  }
  assert.ok(rest.startsWith(' '), `no space before the value in ${line}`);
  const [valueText, timestamp, ...extra] = rest.trim().split(/\s+/);
  assert.equal(extra.length, 0, `more than a value and a timestamp in ${line}`);
  if (timestamp !== undefined) assert.match(timestamp, /^-?\d+$/, `bad timestamp in ${line}`);
  return { name, labels, value: parseValue(valueText ?? '') };
}

export function parseScrape(text: string): Scrape {
  const scrape: Scrape = { samples: [], types: new Map(), help: new Map(), text };
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    if (line.startsWith('#')) {
      const match = /^# (HELP|TYPE) ([a-zA-Z_:][a-zA-Z0-9_:]*) ?(.*)$/.exec(line);
      if (!match) continue; // a comment
      const [, kind, name, rest] = match as unknown as [string, string, string, string];
      if (kind === 'TYPE') {
        assert.match(rest, /^(counter|gauge|histogram|summary|untyped)$/, line);
        assert.ok(!scrape.types.has(name), `TYPE of ${name} twice`);
        scrape.types.set(name, rest);
      } else {
        scrape.help.set(name, rest);
      }
      continue;
    }
    scrape.samples.push(parseSample(line));
  }
  return scrape;
}

const matches = (sample: Sample, labels: Record<string, string>) => Object.entries(labels).every(([k, v]) => sample.labels[k] === v);

/** The samples of `name` whose labels include `labels`. */
export function samplesOf(scrape: Scrape, name: string, labels: Record<string, string> = {}): Sample[] {
  return scrape.samples.filter((s) => s.name === name && matches(s, labels));
}

/** The one sample of `name` with exactly these labels' values (others may be present); undefined when none. */
export function valueOf(scrape: Scrape, name: string, labels: Record<string, string> = {}): number | undefined {
  const found = samplesOf(scrape, name, labels).filter((s) => Object.keys(s.labels).length === Object.keys(labels).length);
  assert.ok(found.length <= 1, `${found.length} samples of ${name} ${JSON.stringify(labels)}`);
  return found[0]?.value;
}

/** The sum over the samples of `name` whose labels include `labels` (0 when none). */
export function sumOf(scrape: Scrape, name: string, labels: Record<string, string> = {}): number {
  return samplesOf(scrape, name, labels).reduce((sum, s) => sum + s.value, 0);
}

/** Samples of `name` as `labelA|labelB|… → value`, by the given label names, for exact comparisons. */
export function tableOf(scrape: Scrape, name: string, labelNames: string[]): Map<string, number> {
  const table = new Map<string, number>();
  for (const sample of samplesOf(scrape, name)) {
    const key = labelNames.map((l) => sample.labels[l] ?? '').join('|');
    assert.ok(!table.has(key), `${name} ${key} twice`);
    table.set(key, sample.value);
  }
  return table;
}

/** Reads a scrape over HTTP, checking its status and content type. */
export async function scrapeUrl(url: string, contentType?: string): Promise<Scrape> {
  const response = await fetch(url);
  const text = await response.text();
  assert.equal(response.status, 200, text);
  if (contentType !== undefined) assert.equal(response.headers.get('content-type'), contentType);
  return parseScrape(text);
}
