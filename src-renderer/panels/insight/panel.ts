/** What the Insights area asks of each of its panels. */
import type { AppState } from '../../../src-main/service/contract.ts';
import type { ApiClient } from '../../api/client.ts';

export interface InsightPanel {
  /** Stable id (tab id and the remembered tab). */
  readonly id: string;
  readonly title: string;
  /** The panel's root: its controls and its content. */
  readonly element: HTMLElement;
  /** Re-query and re-render for this state (called when the tab is shown and after every change while idle). */
  refresh(state: AppState): Promise<void>;
}

export type { ApiClient };
