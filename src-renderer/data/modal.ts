/**
 * A modal dialog (the platform's <dialog>): a title, a body that steps replace, an error line,
 * and a row of actions. Escape runs the dialog's cancel action instead of closing it blindly, so
 * a running import is cancelled, not orphaned.
 */
import { h } from './dom.ts';

export interface Action {
  id: string;
  label: string;
  primary?: boolean;
  disabled?: boolean;
  run(): void;
}

export class Modal {
  readonly dialog: HTMLDialogElement;
  private readonly title: HTMLElement;
  private readonly body: HTMLElement;
  private readonly errorLine: HTMLElement;
  private readonly actions: HTMLElement;
  private onEscape: () => void = () => this.close();

  constructor(id: string, extraClass = '') {
    this.title = h('h2', { class: 'modal-title' });
    this.body = h('div', { class: 'modal-body' });
    this.errorLine = h('p', { class: 'modal-error', role: 'alert', hidden: true });
    this.actions = h('div', { class: 'modal-actions' });
    this.dialog = h('dialog', { id, class: `modal ${extraClass}`.trim() }, this.title, this.body, this.errorLine, this.actions);
    this.dialog.addEventListener('cancel', (e) => {
      e.preventDefault();
      this.onEscape();
    });
    document.body.append(this.dialog);
  }

  get isOpen(): boolean {
    return this.dialog.open;
  }

  /** Replaces the content: a step of the dialog. `escape` is what Escape does (default: close). */
  show(step: { title: string; content: (Node | null)[]; actions: Action[]; escape?: () => void; step: string }): void {
    this.title.textContent = step.title;
    this.body.replaceChildren(...step.content.filter((n): n is Node => n !== null));
    this.actions.replaceChildren(
      ...step.actions.map((a) => {
        const b = h('button', { id: a.id, type: 'button', class: a.primary ? 'primary' : '', disabled: a.disabled }, a.label);
        b.addEventListener('click', () => a.run());
        return b;
      }),
    );
    this.dialog.dataset['step'] = step.step;
    this.onEscape = step.escape ?? (() => this.close());
    this.error(null);
    if (!this.dialog.open) this.dialog.showModal();
  }

  error(text: string | null): void {
    this.errorLine.textContent = text ?? '';
    this.errorLine.hidden = text === null;
  }

  /** Greys out the actions while a command runs (and brings them back). */
  busy(on: boolean): void {
    for (const b of this.actions.querySelectorAll('button')) {
      if (on) b.dataset['wasDisabled'] = String(b.disabled);
      b.disabled = on || b.dataset['wasDisabled'] === 'true';
    }
  }

  close(): void {
    if (this.dialog.open) this.dialog.close();
  }
}

/** One answer of a question dialog: its button and the value it answers with. */
export interface Answer<T> {
  id: string;
  label: string;
  value: T;
  primary?: boolean;
}

/**
 * A yes/no-style question as a modal: the text, one button per answer, Escape answering
 * `onEscape`; `focus` names the answer whose button has the focus (Enter's), if any. One modal,
 * made on first use.
 */
export function questionDialog<T>(id: string, q: { title: string; step: string; textId: string; answers: Answer<T>[]; onEscape: T; focus?: string }): (text: string) => Promise<T> {
  let modal: Modal | null = null;
  return (text) =>
    new Promise((resolve) => {
      modal ??= new Modal(id);
      const done = (value: T) => {
        modal!.close();
        resolve(value);
      };
      modal.show({
        step: q.step,
        title: q.title,
        content: [h('p', { id: q.textId, text })],
        actions: q.answers.map((a) => ({ id: a.id, label: a.label, primary: a.primary, run: () => done(a.value) })),
        escape: () => done(q.onEscape),
      });
      if (q.focus) modal.dialog.querySelector<HTMLButtonElement>(`#${q.focus}`)?.focus();
    });
}
