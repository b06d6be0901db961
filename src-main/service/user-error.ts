/**
 * An error whose message is meant for the user as it stands ("Rating 7 is outside the sheet's
 * scale 0.5–5"). Anything else that escapes a command is a bug: the endpoint still answers with
 * its message, but also logs the stack for us.
 */
export class UserError extends Error {
  override name = 'UserError';
}
