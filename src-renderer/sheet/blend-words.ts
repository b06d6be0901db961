/**
 * What the sheet says while a blend run fills its predictions (issue 12 item 4): whose mean they
 * are, why there are no factor cells, and that the first edit or Solve goes back to one model.
 */
import type { SheetBlend } from '../../src-main/service/contract.ts';

/** "0.62 × sweep k=2 + 0.38 × sweep k=5" */
export const blendMean = (blend: SheetBlend): string => blend.members.map((m) => `${m.weight.toFixed(2)} × ${m.name}`).join(' + ');

export function blendBanner(blend: SheetBlend, validRmse: number | null): string {
  const valid = validRmse === null ? '' : ` (valid RMSE ${validRmse.toFixed(4)})`;
  return `The sheet shows the blend "${blend.name}" of ${blend.members.length} ${blend.members.length === 1 ? 'run' : 'runs'}: each prediction is the weighted mean ${blendMean(blend)}${valid}. `
    + 'A blend has no factors of its own, so the factor cells are not shown. '
    + `Editing a rating, Step or Solve goes back to one model: "${blend.underneath}", its heaviest member, alone.`;
}
