/**
 * Asks for a file path in the browser. The web host serves this machine only (127.0.0.1), so a
 * path typed here is a path the service can open — no upload. The desktop app uses native
 * dialogs instead (ApiClient.fileAction).
 */
import { h } from './dom.ts';
import { Modal } from './modal.ts';

export class PathPrompt {
  private readonly modal = new Modal('path-dialog', 'path-dialog');

  /** Resolves to the typed path, or null when cancelled. */
  ask(title: string, label: string, value: string, confirm: string): Promise<string | null> {
    return new Promise((resolve) => {
      const input = h('input', { id: 'path-input', type: 'text', class: 'path-input', value, spellcheck: 'false' });
      const done = (path: string | null) => {
        this.modal.close();
        resolve(path);
      };
      const ok = () => (input.value.trim() ? done(input.value.trim()) : this.modal.error('Type a path'));
      input.addEventListener('keydown', (e) => e.key === 'Enter' && ok());
      this.modal.show({
        step: 'path',
        title,
        content: [h('label', { class: 'form-field wide', for: 'path-input' }, h('span', { text: label }), input)],
        actions: [
          { id: 'path-cancel', label: 'Cancel', run: () => done(null) },
          { id: 'path-ok', label: confirm, primary: true, run: ok },
        ],
        escape: () => done(null),
      });
      input.focus();
      input.select();
    });
  }
}
