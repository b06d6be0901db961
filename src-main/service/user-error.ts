/**
 * An error whose message is meant for the user as it stands ("Rating 7 is outside the sheet's
 * scale 0.5–5"). Anything else that escapes a command is a bug: the endpoint still answers with
 * its message, but also logs the stack for us.
 */
export class UserError extends Error {
  override name = 'UserError';
}

/** V8's and WebAssembly's words for an allocation that memory could not back. */
const OUT_OF_MEMORY = /Array buffer allocation failed|could not allocate memory|Invalid (typed )?array length|Out of memory/i;

/**
 * What a failed command tells the user: a UserError's message as it stands; a failed allocation
 * (a RangeError whose own text, "Array buffer allocation failed", says nothing a user can act
 * on) as what happened and what to change; anything else by its message.
 */
export function userMessage(error: unknown): string {
  if (error instanceof UserError) return error.message;
  if (error instanceof RangeError && OUT_OF_MEMORY.test(error.message)) {
    return `Not enough memory for this (${error.message}): try fewer factors or smaller hidden layers, a smaller batch, or a smaller dataset`;
  }
  return error instanceof Error ? error.message : String(error);
}
