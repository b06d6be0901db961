import { commandArgs, type EventMessage, type Service } from '../../../service/contract.ts';
import { createEndpoint, type ServiceEndpoint } from '../../../service/endpoint.ts';
import { UserError } from '../../../service/user-error.ts';
import type { ServiceRoot } from '../../common/service-root.ts';

/**
 * A service whose every command answers `{ command, args }` (what it received after validation),
 * behind the real endpoint — so host tests exercise the real validation without training.
 * `failures` makes a command fail with a user-facing message instead; `answers` gives a command
 * a result of its own.
 */
export function createEchoServiceRoot(): ServiceRoot & {
  calls: { command: string; args: unknown }[];
  emit(event: EventMessage): void;
  failures: Map<string, string>;
  answers: Map<string, unknown>;
  disposed: boolean;
} {
  const failures = new Map<string, string>();
  const answers = new Map<string, unknown>();
  const listeners = new Set<(e: EventMessage) => void>();
  const calls: { command: string; args: unknown }[] = [];
  const handlers = Object.fromEntries(
    Object.keys(commandArgs).map((command) => [
      command,
      async (args: unknown) => {
        calls.push({ command, args });
        const failure = failures.get(command);
        if (failure !== undefined) throw new UserError(failure);
        return answers.has(command) ? answers.get(command) : { command, args };
      },
    ]),
  );
  const service = {
    ...handlers,
    subscribe(listener: (e: EventMessage) => void) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  } as unknown as Service;
  const endpoint: ServiceEndpoint = createEndpoint(service, () => {});
  const root = {
    endpoint,
    calls,
    failures,
    answers,
    disposed: false,
    emit: (event: EventMessage) => listeners.forEach((l) => l(event)),
    async dispose() {
      root.disposed = true;
    },
  };
  return root;
}
