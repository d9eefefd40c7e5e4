/** Contact names take letters only: 0 → a, 25 → z, 26 → ba, … */
export function letters(n: number): string {
  let text = '';
  do {
    text = String.fromCharCode(97 + (n % 26)) + text;
    n = Math.floor(n / 26);
  } while (n > 0);
  return text;
}
