/**
 * What the settings panel says beside a field (issue 16 item 4): the note that explains a value
 * ("0" epochs per second is "as fast as possible") and the error for text that is not a number.
 * Out-of-range numbers are refused by the main side, in the same plain words for the app and the
 * CLI (src-main/service/plain-issues.ts: "Learning rate must be at most 100, got 150"); the panel
 * shows that refusal beside the field too. Pure, so the words are tested.
 */
import type { EngineName, EngineRequest } from '../../src-main/service/contract.ts';

/** The engines as the app names them (the main side's ENGINE_LABELS, training-session.ts, says the same in its messages). */
export const ENGINE_LABELS: Record<EngineName, string> = { onnx: 'ONNX Runtime', fused: 'fused kernel' };

/** The Engine setting's options (issue 11 item 5). */
export const ENGINE_OPTIONS: [EngineRequest, string][] = [['auto', 'auto'], ['onnx', ENGINE_LABELS.onnx], ['fused', ENGINE_LABELS.fused]];

/** The Engine setting's value in words: what each choice does, and which engine trained the model now on the sheet. */
export function engineNote(request: EngineRequest, trainedBy: EngineName | null): string {
  const what = {
    auto: 'the fused kernel for dot-product models on big data, ONNX Runtime otherwise',
    onnx: 'every model, with the optimizer, learning rate and weight decay set here',
    fused: 'dot-product models only: per-rating steps with its own rates, each Solve from fresh factors',
  }[request];
  return trainedBy ? `${what} · trained by: ${ENGINE_LABELS[trainedBy]}` : what;
}

/** The speed setting's value in words. */
export function speedNote(epochsPerSecond: number): string {
  if (epochsPerSecond === 0) return 'as fast as possible';
  const n = epochsPerSecond === 1 ? '1 epoch' : `${epochsPerSecond} epochs`;
  return `at most ${n} a second: slow motion, to watch the sheet learn (0 = as fast as possible)`;
}

/** A number field's text as a number, or the sentence that says it is not one. */
export function readNumber(label: string, text: string): { value: number } | { error: string } {
  const t = text.trim();
  const value = Number(t);
  if (t === '' || !Number.isFinite(value)) return { error: `${label} needs a number${t === '' ? '' : `, got "${t}"`}` };
  return { value };
}
