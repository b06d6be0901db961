/**
 * How deeply a JSON text nests, counted before JSON.parse so that a message like `[[[[…]]]]`
 * (a few MB of brackets) is refused by a bound instead of reaching a recursive validator. Strings
 * are skipped, escapes included; the scan is linear and allocates nothing.
 */
export function jsonNestingExceeds(text: string, maxDepth: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > maxDepth) return true;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return false;
}
