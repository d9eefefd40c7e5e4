/**
 * The languages rdcontacts writes in, and the choice of one of them for an `Accept-Language`
 * header (RFC 9110 §12.5.4; ranges as in RFC 4647).
 *
 * Decisions:
 * - Every English range (`en`, `en-US`, `en-GB`, `en-AU`, …) asks for en-US: it is our only English.
 * - Every Chinese range asks for zh-CN, our only Chinese: `zh`, `zh-CN`, `zh-Hans`, `zh-Hans-*`,
 *   `zh-SG`, `cmn`, `zh-cmn-Hans`, and also Traditional Chinese (`zh-TW`, `zh-HK`, `zh-MO`,
 *   `zh-Hant`, `zh-Hant-*`): a reader who asks for Traditional Chinese reads Simplified far more
 *   easily than a language they did not list; if they ranked English higher, their weights say so
 *   and English wins. (Browsers in Taiwan and Hong Kong send `zh` next to `zh-TW` anyway.)
 * - Each of our languages takes the weight of the most specific range that matches it (so
 *   `*, en;q=0` rules English out and leaves Chinese; `zh-TW, zh;q=0.1` gives Chinese 0.1,
 *   `zh-CN` being named by `zh`), the heaviest of equally specific ones; the heaviest language wins. At equal weight an
 *   explicit range beats `*`, then the range listed first wins; a wildcard alone gives `fallback`.
 * - `q=0` means "not acceptable". Entries that do not parse (bad range, bad weight) are skipped,
 *   the rest of the header still counts; a header with nothing usable gives `fallback`.
 * - Leniencies: case does not matter, `_` is read as `-` (`zh_CN`), parameters other than `q`
 *   are ignored, at most 64 entries are read.
 */

export const languages = ['en-US', 'zh-CN'] as const;
export type Language = (typeof languages)[number];

export function isLanguage(value: string): value is Language {
  return (languages as readonly string[]).includes(value);
}

/** One entry of the header: a language range and its weight (0 to 1000, in thousandths). */
interface Preference {
  range: string;
  weight: number;
  position: number;
}

const maxEntries = 64;
const rangePattern = /^(?:\*|[a-z]{1,8}(?:-[a-z0-9]{1,8})*)$/;
const weightPattern = /^(?:0(?:\.\d{0,3})?|1(?:\.0{0,3})?)$/;

function parseAcceptLanguage(header: string): Preference[] {
  const preferences: Preference[] = [];
  for (const entry of header.split(',').slice(0, maxEntries)) {
    const [rangePart = '', ...parameters] = entry.split(';');
    const range = rangePart.trim().toLowerCase().replace(/_/g, '-');
    if (!rangePattern.test(range)) continue;
    let weight = 1000;
    let valid = true;
    for (const parameter of parameters) {
      const match = /^\s*q\s*=\s*(.*?)\s*$/i.exec(parameter);
      if (!match) continue;
      if (!weightPattern.test(match[1]!)) {
        valid = false;
        break;
      }
      weight = Math.round(Number(match[1]) * 1000);
    }
    if (valid) preferences.push({ range, weight, position: preferences.length });
  }
  return preferences;
}

/** How well a range names one of our languages: 0 for `*`, higher for more specific ranges; undefined if it does not. */
function specificity(range: string, language: Language): number | undefined {
  if (range === '*') return 0;
  const subtags = range.split('-');
  if (language === 'en-US') {
    if (subtags[0] !== 'en') return undefined;
    return range === 'en-us' ? 3 : subtags.length === 1 ? 2 : 1;
  }
  // zh-CN
  let rest: string[];
  if (subtags[0] === 'cmn') rest = subtags.slice(1);
  else if (subtags[0] === 'zh') rest = subtags[1] === 'cmn' ? subtags.slice(2) : subtags.slice(1);
  else return undefined;
  if (rest.length === 0) return 2;
  if (rest[0] === 'hans' && (rest.length === 1 || rest[1] === 'cn')) return rest.length === 1 ? 2 : 3;
  if (rest.length === 1 && rest[0] === 'cn') return 3;
  return 1;
}

/** The best of our languages for an `Accept-Language` header, else `fallback` (see the decisions above). */
export function negotiateLanguage(acceptLanguage: string | undefined, fallback: Language): Language {
  if (!acceptLanguage) return fallback;
  const preferences = parseAcceptLanguage(acceptLanguage);
  if (preferences.length === 0) return fallback;

  interface Candidate {
    language: Language;
    weight: number;
    wildcard: boolean;
    position: number;
  }
  const candidates: Candidate[] = [];
  // The fallback first, so that it wins full ties (a header of only `*`).
  for (const language of [fallback, ...languages.filter((l) => l !== fallback)]) {
    let best: { preference: Preference; specificity: number } | undefined;
    for (const preference of preferences) {
      const s = specificity(preference.range, language);
      if (s === undefined) continue;
      if (!best || s > best.specificity || (s === best.specificity && preference.weight > best.preference.weight)) {
        best = { preference, specificity: s };
      }
    }
    if (best && best.preference.weight > 0) {
      candidates.push({
        language,
        weight: best.preference.weight,
        wildcard: best.specificity === 0,
        position: best.preference.position,
      });
    }
  }
  candidates.sort(
    (a, b) => b.weight - a.weight || Number(a.wildcard) - Number(b.wildcard) || (a.wildcard ? 0 : a.position - b.position),
  );
  return candidates[0]?.language ?? fallback;
}
