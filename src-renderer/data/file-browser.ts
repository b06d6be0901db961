/**
 * The browser page's file dialog (issue 16 item 6): the web host lists this machine's folders
 * (POST /folder, the page's token cookie sent with it), and the dialog walks them like a desktop
 * one — breadcrumbs, Up, a list of folders then the files the action takes, a name field for a
 * save (or a full path typed there), hidden files on request, and the keyboard: arrows / Home / End move, Enter opens a folder
 * or chooses a file, Backspace goes up, Escape cancels. It starts in the folder asked for (the
 * documents folder, or the last one used). The desktop app keeps its native dialogs.
 */
import type { FolderEntry, FolderListing, FolderRefusal } from '../../src-main/hosts/web/folder-types.ts';
import { bytes, h } from './dom.ts';
import { breadcrumbs, childPath, isFullPath, movedSelection, shownEntries, splitPath, withExtension } from './file-browser-model.ts';
import { Modal } from './modal.ts';

export interface BrowseRequest {
  title: string;
  /** The confirm button: Open, Save, Export, Choose. */
  confirm: string;
  /** open: choose an existing file; save: a folder and a name; folder: choose a folder. */
  mode: 'open' | 'save' | 'folder';
  /** A folder, or (save) a suggested file path whose name fills the name field. */
  start: string;
  /** The file kinds shown, as extensions with their dot (".collabsheet"); empty: all files. */
  extensions: readonly string[];
  /** Words for the kinds, as the filter line shows them ("Projects (.collabsheet)"). */
  kindsLabel: string;
}

const LAST_FOLDER_KEY = 'collabsheet.browseFolder';

let modal: Modal | null = null;

/** Shows the file browser (one dialog for the page, made on first use); resolves to the chosen path, or null when cancelled. */
export function browse(request: BrowseRequest): Promise<string | null> {
  modal ??= new Modal('file-browser', 'file-browser');
  const shown = modal;
  return new Promise((resolve) => new BrowseSession(shown, request, resolve).start());
}

class BrowseSession {
  private listing: FolderListing | null = null;
  private shown: FolderEntry[] = [];
  private selected = -1;
  private hidden = false;
  private suggestedName = '';
  private readonly crumbs = h('nav', { class: 'fb-crumbs', 'aria-label': 'Folder' });
  private readonly list = h('div', { id: 'fb-list', class: 'fb-list', role: 'listbox', tabindex: '0', 'aria-label': 'Files and folders' });
  private readonly more = h('p', { class: 'fb-more muted', hidden: true });
  /** The file's name (filled by a click on a file), or a full path typed instead. */
  private readonly location = h('input', { id: 'path-input', type: 'text', class: 'path-input', spellcheck: 'false' });
  private readonly up = h('button', { id: 'fb-up', type: 'button', title: 'The folder above (Backspace)' }, '↑ Up');
  private readonly showHidden = h('input', { id: 'fb-hidden', type: 'checkbox' });

  constructor(
    private readonly modal: Modal,
    private readonly request: BrowseRequest,
    private readonly resolve: (path: string | null) => void,
  ) {}

  start(): void {
    const { folder, name } = this.request.mode === 'save' ? splitPath(this.request.start) : { folder: this.request.start, name: '' };
    this.location.value = name;
    this.suggestedName = name;
    this.up.addEventListener('click', () => this.goUp());
    this.showHidden.addEventListener('change', () => {
      this.hidden = this.showHidden.checked;
      if (this.listing) void this.open(this.listing.path);
    });
    this.list.addEventListener('keydown', (e) => this.onKey(e));
    this.location.addEventListener('keydown', (e) => {
      if (e.key === 'Enter') {
        e.preventDefault();
        this.confirm();
      }
    });
    const filter = h('span', { class: 'fb-filter muted', text: this.request.extensions.length ? `Showing folders and ${this.request.kindsLabel}` : 'Showing all files' });
    this.modal.show({
      step: 'browse',
      title: this.request.title,
      content: [
        h('div', { class: 'fb-bar' }, this.up, this.crumbs),
        this.list,
        this.more,
        h('div', { class: 'fb-options' }, filter, h('label', { class: 'inline', for: 'fb-hidden' }, this.showHidden, h('span', { text: ' Hidden files' }))),
        this.request.mode === 'folder'
          ? null
          : h('label', { class: 'form-field wide', for: 'path-input' }, h('span', { text: this.request.mode === 'save' ? 'Name (or a full path)' : 'File (or a full path)' }), this.location),
      ],
      actions: [
        { id: 'path-cancel', label: 'Cancel', run: () => this.done(null) },
        { id: 'path-ok', label: this.request.confirm, primary: true, run: () => this.confirm() },
      ],
      escape: () => this.done(null),
    });
    void this.open(folder || localStorage.getItem(LAST_FOLDER_KEY) || '/', true);
  }

  /** Lists `path`; a folder that cannot be read says why and stays where it was (first try: falls back to /). */
  private async open(path: string, first = false): Promise<void> {
    const answer = await fetchFolder(path, this.hidden);
    if ('error' in answer) {
      if (first && path !== '/') return this.open('/', false);
      this.modal.error(answer.error);
      return;
    }
    this.modal.error(null);
    const previous = this.listing?.path;
    this.listing = answer;
    localStorage.setItem(LAST_FOLDER_KEY, answer.path);
    this.shown = this.request.mode === 'folder' ? answer.entries.filter((e) => e.kind === 'folder') : shownEntries(answer.entries, this.request.extensions);
    // Going up selects the folder we came from, as desktop dialogs do.
    const from = previous ? this.shown.findIndex((e) => e.kind === 'folder' && childPath(answer.path, e.name) === previous) : -1;
    this.selected = from >= 0 ? from : this.shown.length ? 0 : -1;
    this.render();
    (this.request.mode === 'save' && first ? this.location : this.list).focus();
  }

  private render(): void {
    const listing = this.listing!;
    this.up.disabled = listing.parent === null;
    this.crumbs.replaceChildren(
      ...breadcrumbs(listing.path).map((c, n, all) => {
        const b = h('button', { type: 'button', class: 'fb-crumb', 'aria-current': n === all.length - 1 ? 'location' : null }, c.label);
        b.addEventListener('click', () => void this.open(c.path));
        return b;
      }),
    );
    this.list.replaceChildren(
      ...(this.shown.length ? [] : [h('p', { class: 'fb-empty muted', text: 'Nothing here of the kinds this can open' })]),
      ...this.shown.map((e, n) => {
        const row = h(
          'div',
          { class: `fb-row ${e.kind}`, role: 'option', 'aria-selected': String(n === this.selected), 'data-name': e.name },
          h('span', { class: 'fb-icon', 'aria-hidden': 'true', text: e.kind === 'folder' ? '▸' : '' }),
          h('span', { class: 'fb-name', text: e.name }),
          h('span', { class: 'fb-size muted', text: e.size === null ? '' : bytes(e.size) }),
          h('span', { class: 'fb-date muted', text: e.modified === null ? '' : new Date(e.modified).toLocaleString() }),
        );
        row.addEventListener('click', () => this.select(n));
        row.addEventListener('dblclick', () => this.activate(n));
        return row;
      }),
    );
    this.more.hidden = listing.more === 0;
    this.more.textContent = `${listing.more} more not shown: type the name, or narrow the folder`;
  }

  private select(n: number): void {
    this.selected = n;
    const entry = this.shown[n];
    if (entry?.kind === 'file') this.location.value = entry.name;
    for (const [i, row] of [...this.list.querySelectorAll('.fb-row')].entries()) row.setAttribute('aria-selected', String(i === n));
    this.list.querySelectorAll('.fb-row')[n]?.scrollIntoView({ block: 'nearest' });
  }

  /** Double-click or Enter: a folder opens; a file is chosen (or, for a save, named). */
  private activate(n: number): void {
    const entry = this.shown[n];
    if (!entry || !this.listing) return;
    if (entry.kind === 'folder') void this.open(childPath(this.listing.path, entry.name));
    else if (this.request.mode !== 'folder') {
      this.location.value = entry.name;
      this.confirm();
    }
  }

  private onKey(e: KeyboardEvent): void {
    if (e.key === 'Enter') {
      e.preventDefault();
      if (this.selected >= 0) this.activate(this.selected);
      else this.confirm();
    } else if (e.key === 'Backspace') {
      e.preventDefault();
      this.goUp();
    } else {
      const next = movedSelection(e.key, this.selected, this.shown.length);
      if (next === this.selected) return;
      e.preventDefault();
      this.select(next);
    }
  }

  private goUp(): void {
    if (this.listing?.parent) void this.open(this.listing.parent);
  }

  private confirm(): void {
    const listing = this.listing;
    const { mode, extensions } = this.request;
    const typed = this.location.value.trim();
    if (isFullPath(typed)) {
      if (/[\\/]$/.test(typed)) {
        // A folder typed: go there, and the field holds the name again (a save's), not the path.
        this.location.value = mode === 'save' ? this.suggestedName : '';
        return void this.open(typed);
      }
      return this.done(mode === 'save' ? withExtension(typed, extensions) : typed);
    }
    if (!listing) return;
    if (mode === 'folder') return this.done(listing.path);
    const entry = this.shown[this.selected];
    if (!typed) {
      if (entry?.kind === 'folder') return this.activate(this.selected);
      return this.modal.error(mode === 'save' ? 'Type a name for the file' : `Choose one of the ${this.request.kindsLabel}`);
    }
    if (/[\\/]/.test(typed)) return this.modal.error(`"${typed}" holds a folder separator: open the folder, then type only the file's name (or type a full path)`);
    this.done(childPath(listing.path, mode === 'save' ? withExtension(typed, extensions) : typed));
  }

  private done(path: string | null): void {
    this.modal.close();
    this.resolve(path);
  }
}

/** The host's listing, or its refusal in words; a lost connection is a refusal too. */
async function fetchFolder(path: string, hidden: boolean): Promise<FolderListing | FolderRefusal> {
  try {
    const res = await fetch('/folder', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ path, hidden }) });
    const body = (await res.json()) as FolderListing | FolderRefusal;
    return res.ok || 'error' in body ? body : { error: `The host answered ${res.status}` };
  } catch {
    return { error: 'The CollabSheet host cannot be reached: is it still running?' };
  }
}
