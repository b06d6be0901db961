import type { EventMessage, RecentFile, RecentFiles } from '../../service/contract.ts';
import type { ServiceEndpoint } from '../../service/endpoint.ts';
import type { ServiceCaller } from './file-actions.ts';

/**
 * Keeps the native File > Open recent in step with the service's list: `install` builds the
 * menu with the list now, and again whenever it may have changed — a sheet opened or imported
 * (the `state` event) or the project saved (a `changed` patch with the project's status).
 * Resolves once the first menu is installed; it watches for the app's lifetime.
 */
export async function keepRecentMenu(
  endpoint: Pick<ServiceEndpoint, 'subscribe'>,
  callService: ServiceCaller,
  install: (files: readonly RecentFile[]) => void,
  reportError: (message: string) => void,
): Promise<void> {
  const refresh = async () => {
    const reply = await callService('recentFiles', {});
    // A menu without the list rather than none: the page's own File menu still has it.
    if (!reply.ok) reportError(`CollabSheet: the recent files could not be listed: ${reply.error}`);
    install(reply.ok ? (reply.value as RecentFiles).files : []);
  };
  await refresh();
  endpoint.subscribe((e: EventMessage) => {
    if (e.event === 'state' || (e.event === 'changed' && e.payload.project)) void refresh();
  });
}
