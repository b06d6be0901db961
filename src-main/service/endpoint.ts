/**
 * The generic adapter between a transport and the service (vscode's ProxyChannel idea): a host
 * hands every incoming message to `handle` and forwards every event from `subscribe`. No host
 * writes per-command code, and every message is validated here, where it enters the main side.
 */
import {
  commandArgs,
  requestSchema,
  type CommandName,
  type EventMessage,
  type ReplyMessage,
  type Service,
} from './contract.ts';
import { plainIssues } from './plain-issues.ts';
import { UserError, userMessage } from './user-error.ts';

export interface ServiceEndpoint {
  /** Never throws: a malformed message or a failing command becomes `{ ok: false, error }`. */
  handle(message: unknown): Promise<ReplyMessage>;
  subscribe(listener: (e: EventMessage) => void): () => void;
}

const isCommand = (name: string): name is CommandName => Object.hasOwn(commandArgs, name);

export function createEndpoint(
  service: Service,
  logUnexpected: (error: unknown) => void = (e) => console.error(e),
): ServiceEndpoint {
  return {
    async handle(message) {
      const request = requestSchema.safeParse(message);
      if (!request.success) {
        const id = typeof (message as { id?: unknown })?.id === 'number' ? (message as { id: number }).id : -1;
        return { id, ok: false, error: `Malformed request: ${plainIssues('request', request.error.issues, message)}` };
      }
      const { id, command, args } = request.data;
      if (!isCommand(command)) return { id, ok: false, error: `Unknown command "${command}"` };
      const parsed = commandArgs[command].safeParse(args ?? {});
      if (!parsed.success) {
        return { id, ok: false, error: plainIssues(command, parsed.error.issues, args ?? {}) };
      }
      try {
        // The schema and the handler are looked up by the same key, so their types agree; TS
        // cannot correlate the union across the two lookups, hence the cast.
        const run = service[command] as (a: unknown) => Promise<unknown>;
        const value = await run.call(service, parsed.data);
        return { id, ok: true, value };
      } catch (error) {
        if (!(error instanceof UserError)) logUnexpected(error);
        return { id, ok: false, error: userMessage(error) };
      }
    },
    subscribe: (listener) => service.subscribe(listener),
  };
}
