import { describe, expect, it } from 'vitest';
import { ENGINE_OPTIONS, engineNote, readNumber, speedNote } from './setting-words.ts';
import { stepSeriesWords } from './chart-words.ts';

// Issue 16 item 4: settings that explain themselves.
describe('the settings panel in words', () => {
  it('"Epochs per second 0" reads as "as fast as possible"; other values say what they do', () => {
    expect(speedNote(0)).toBe('as fast as possible');
    expect(speedNote(1)).toMatch(/^at most 1 epoch a second: slow motion/);
    expect(speedNote(30)).toMatch(/^at most 30 epochs a second: .*\(0 = as fast as possible\)$/);
  });

  it('a field left empty or holding no number is named, not reverted silently', () => {
    expect(readNumber('Learning rate', ' 0.01 ')).toEqual({ value: 0.01 });
    expect(readNumber('Learning rate', '')).toEqual({ error: 'Learning rate needs a number' });
    expect(readNumber('Weight decay', '1e')).toEqual({ error: 'Weight decay needs a number, got "1e"' });
  });
});

// Issue 11 item 5: Engine: auto / ONNX Runtime / fused kernel, each explained under the field.
describe('the Engine setting in words', () => {
  it('offers auto, ONNX Runtime and the fused kernel, in that order', () => {
    expect(ENGINE_OPTIONS).toEqual([['auto', 'auto'], ['onnx', 'ONNX Runtime'], ['fused', 'fused kernel']]);
  });

  it('says what each choice does, and which engine trained the model on the sheet', () => {
    expect(engineNote('auto', null)).toBe('the fused kernel for dot-product models on big data, ONNX Runtime otherwise');
    expect(engineNote('fused', null)).toMatch(/^dot-product models only: .*each Solve from fresh factors$/);
    expect(engineNote('onnx', null)).toMatch(/^every model/);
    expect(engineNote('auto', 'fused')).toMatch(/ · trained by: fused kernel$/);
    expect(engineNote('fused', 'onnx')).toMatch(/ · trained by: ONNX Runtime$/);
  });
});

describe("the chart's second series", () => {
  it('is named plainly: no "L-BFGS step length"', () => {
    expect(stepSeriesWords('lbfgs').name).toBe('step size');
    expect(stepSeriesWords('adam').name).toBe('learning rate');
    for (const kind of ['sgd', 'momentum', 'adam', 'lbfgs'] as const) expect(JSON.stringify(stepSeriesWords(kind))).not.toMatch(/step length/);
  });
});
