/**
 * The formula behind a predicted cell, with its numbers — what Excel shows in the formula bar,
 * but evaluated: dot(u, v) + b_u + b_i, then sigmoid_range into the rating scale.
 */
import type { AppState, SheetNumbers } from '../../src-main/service/contract.ts';
import { blendMean } from './blend-words.ts';
import { formatRating, hasBiases, k, prediction, signed } from './sheet-model.ts';

export interface Formula {
  title: string;
  lines: string[];
}

const num = (x: number) => (x < 0 ? `(${x.toFixed(2)})` : x.toFixed(2));

export function ratingFormula(state: AppState, numbers: SheetNumbers, row: number, col: number): Formula {
  const user = state.sheet.users[row].label;
  const movie = state.sheet.movies[col].title;
  const rating = state.sheet.ratings[row][col];
  const p = prediction(numbers, row, col);
  const title = `${user} × ${movie}`;
  const outcome = rating === null
    ? `no rating: the sheet shows the prediction ${p.toFixed(2)}`
    : `rating ${formatRating(rating)} · prediction ${p.toFixed(2)} · error ${signed(p - rating)}${state.sheet.heldOut[row][col] ? ' · held out for validation' : ''}`;
  const factors = k(numbers);
  if (numbers.blend) return { title, lines: [`prediction = ${blendMean(numbers.blend)} (the blend "${numbers.blend.name}")`, outcome] };
  if (state.config.model.kind === 'nn' || factors === 0) {
    return { title, lines: ['prediction = neural net(user embedding, movie embedding)', outcome] };
  }
  const { userFactors, itemFactors, userBias, itemBias } = numbers.snapshot;
  const u = userFactors.slice(row * factors, (row + 1) * factors);
  const v = itemFactors.slice(col * factors, (col + 1) * factors);
  const dot = u.reduce((s, x, f) => s + x * v[f], 0);
  const terms = u.map((x, f) => `${num(x)}×${num(v[f])}`);
  const shown = terms.length > 4 ? [...terms.slice(0, 3), '…', terms[terms.length - 1]] : terms;
  const lines = [`u·v = ${shown.join(' + ')} = ${dot.toFixed(3)}`];
  let x = dot;
  let shape = 'u·v';
  if (hasBiases(numbers)) {
    x = dot + userBias[row] + itemBias[col];
    shape = 'u·v + b_user + b_movie';
    lines.push(`u·v + b_user + b_movie = ${dot.toFixed(3)} + ${num(userBias[row])} + ${num(itemBias[col])} = ${x.toFixed(3)}`);
  }
  const yRange = state.config.model.yRange;
  if (yRange) {
    const [lo, hi] = yRange;
    lines.unshift(`prediction = sigmoid_range(${shape}, ${lo}, ${hi})`);
    lines.push(`sigmoid_range(${x.toFixed(3)}) = ${lo} + ${hi - lo} × σ(${x.toFixed(3)}) = ${p.toFixed(3)}`);
  } else {
    lines.unshift(`prediction = ${shape}`);
  }
  lines.push(outcome);
  return { title, lines };
}
