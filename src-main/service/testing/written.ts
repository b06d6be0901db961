import type { WriteExists } from '../data-contract.ts';
import { isWriteExists } from '../worker/write-outcome.ts';

/** A write command's answer when the test expects the write done, not the "exists" question. */
export function written<T>(answer: T | WriteExists): T {
  if (isWriteExists(answer)) throw new Error(`expected the file written, got: ${answer.message}`);
  return answer;
}
