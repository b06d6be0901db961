import { describe, expect, it } from 'vitest';
import { sampleState as state } from '../testing/sample-state.ts';
import { ratingFormula } from './formula.ts';
import { divergingBin, movieIndexOfCol, ratingCell, sequentialBin } from './sheet-model.ts';

describe('rating cells', () => {
  const s = state();

  it('shows an observed rating in the ratings view, and a blank cell as its prediction', () => {
    expect(ratingCell(s, s.numbers, 0, 0, 'ratings')).toEqual({ text: '4', classes: ['observed', 'seq-6', 'held-out'] });
    expect(ratingCell(s, s.numbers, 0, 1, 'ratings')).toEqual({ text: '2.75', classes: ['predicted', 'seq-4'] });
  });

  it('shows predictions everywhere in the predictions view, marking rated cells', () => {
    expect(ratingCell(s, s.numbers, 0, 0, 'predictions').text).toBe('3.50');
    expect(ratingCell(s, s.numbers, 0, 0, 'predictions').classes[0]).toBe('predicted-observed');
  });

  it('shows prediction − rating in the errors view, nothing for blank cells', () => {
    expect(ratingCell(s, s.numbers, 0, 0, 'errors')).toEqual({ text: '−0.50', classes: ['error', 'div-4', 'held-out'] });
    expect(ratingCell(s, s.numbers, 1, 1, 'errors')).toEqual({ text: '', classes: ['missing'] });
  });

  it('bins colours and clamps beyond the ends', () => {
    expect(sequentialBin(0.5, 0.5, 5)).toBe('seq-0');
    expect(sequentialBin(9, 0.5, 5)).toBe('seq-8');
    expect(divergingBin(0, 2)).toBe('div-5');
    expect(divergingBin(-5, 2)).toBe('div-0');
    expect(movieIndexOfCol('m12')).toBe(12);
    expect(movieIndexOfCol('uf1')).toBeNull();
  });
});

describe('formula', () => {
  it('evaluates dot + biases → sigmoid_range with the cell numbers', () => {
    const s = state();
    const f = ratingFormula(s, s.numbers, 0, 0);
    expect(f.title).toBe('Ana × Die Hard');
    expect(f.lines).toEqual([
      'prediction = sigmoid_range(u·v + b_user + b_movie, 0, 5.5)',
      'u·v = 1.00×0.50 + 2.00×(-0.25) = 0.000',
      'u·v + b_user + b_movie = 0.000 + 0.10 + (-0.20) = -0.100',
      'sigmoid_range(-0.100) = 0 + 5.5 × σ(-0.100) = 3.500',
      'rating 4 · prediction 3.50 · error −0.50 · held out for validation',
    ]);
  });

  it('has no closed form for the neural net', () => {
    const s = state();
    s.config = { ...s.config, model: { ...s.config.model, kind: 'nn' } };
    expect(ratingFormula(s, s.numbers, 1, 1).lines[0]).toBe('prediction = neural net(user embedding, movie embedding)');
  });
});
