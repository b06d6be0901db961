/** lr_find's plot in words (issue 12 item 3): which suggestion "Use this rate" takes, and rates in short. Pure, so tested. */
import type { LrSuggestions } from '../../src-main/service/contract.ts';

/** fastai's default is the valley; then the steepest descent; then a tenth of the minimum's rate (the minimum is already too fast). */
export function suggestionToUse(s: LrSuggestions): number | null {
  return s.valley ?? s.steep ?? (s.minimum === null ? null : s.minimum / 10);
}

/** 0.00123 → "1.2e-3", 0.05 → "0.05", 1 → "1": a rate as short as it reads. */
export function shortRate(lr: number): string {
  if (lr === 0) return '0';
  if (lr >= 0.01 && lr < 1000) return String(Number(lr.toPrecision(2)));
  const [mantissa, exponent] = lr.toExponential(1).split('e');
  return `${mantissa.replace(/\.0$/, '')}e${Number(exponent)}`;
}
