/**
 * The sheet as Excel's `dotprod`/`bias` sheets lay it out, in ag-grid: movie factor rows and the
 * movie bias row pinned above the rating columns, user factor and user bias columns pinned left
 * of the rating rows, the RMSE in the top-left corner. Cells read the latest numbers through
 * value getters, and a repaint is one refreshCells.
 */
import {
  AllCommunityModule,
  ModuleRegistry,
  createGrid,
  type CellClassParams,
  type ColDef,
  type GridApi,
  type SuppressKeyboardEventParams,
  type ValueGetterParams,
  type ValueSetterParams,
} from 'ag-grid-community';
import type { AppState, SheetNumbers } from '../../src-main/service/contract.ts';
import {
  LABEL_COL,
  USER_BIAS_COL,
  hasBiases,
  k,
  movieCol,
  movieIndexOfCol,
  parameterCell,
  ratingCell,
  shownFactors,
  userFactorCol,
  type CellView,
  type ViewMode,
} from './sheet-model.ts';
import { cellCount, inRange, rangeBetween, ratingsBlock, toTsv, type CellRange } from './copy-block.ts';
import { parameterEditText, parameterOf, type ParameterCell, type SheetRow } from './parameter-cell.ts';
import { jumpTarget, type GridCell } from './sheet-keys.ts';

ModuleRegistry.registerModules([AllCommunityModule]);

export interface SheetCell {
  row: number;
  col: number;
}

export interface SheetGridEvents {
  /** The user typed a value into a rating cell ('' = clear). */
  onEdit(cell: SheetCell, text: string): void;
  onClear(cell: SheetCell): void;
  /** The user typed a value into a factor or bias cell. */
  onParameter(cell: ParameterCell, text: string): void;
  /** Hover (or focus) moved to a rating cell, or off the ratings (null). */
  onHover(cell: SheetCell | null, mouse: { x: number; y: number } | null): void;
  onFocus(cell: SheetCell | null): void;
}

export class SheetGrid {
  private readonly api: GridApi<SheetRow>;
  private state: AppState | null = null;
  private numbers: SheetNumbers | null = null;
  private mode: ViewMode = 'ratings';
  private shape = '';
  /** Numbers received and repaints done so far, exposed on the element for the responsiveness measurement. */
  private updates = 0;
  private repaints = 0;
  private repaintMs = 0;
  /**
   * The copy selection: the rating cell where it started and the rectangle to the focused cell.
   * ag-grid community has no range selection, so shift+click / shift+arrow keep the anchor and
   * plain focus moves reset it; the grid's own focus still moves as usual.
   */
  private anchor: SheetCell | null = null;
  private selection: CellRange | null = null;
  /** The selection when it is a block (it is then marked 'in-range'); null for one cell. */
  private highlight: CellRange | null = null;
  /** Whether the input that is moving the focus holds Shift (seen before ag-grid handles it). */
  private extending = false;

  constructor(private readonly host: HTMLElement, private readonly events: SheetGridEvents) {
    this.api = createGrid<SheetRow>(host, {
      theme: 'legacy',
      columnDefs: [],
      rowData: [],
      getRowId: (p) => p.data.id,
      rowHeight: 26,
      headerHeight: headerHeightFor(window.innerHeight),
      suppressMovableColumns: true,
      suppressCellFocus: false,
      singleClickEdit: false,
      stopEditingWhenCellsLoseFocus: true,
      // Excel's keys (issue 16 item 3): Tab and Enter commit and move, and the next cell is
      // selected, not opened for editing (typing then replaces it; F2 edits what is there).
      suppressStartEditOnTab: true,
      enterNavigatesVertically: true,
      enterNavigatesVerticallyAfterEdit: true,
      animateRows: false,
      suppressColumnVirtualisation: true,
      defaultColDef: { sortable: false, resizable: true, suppressHeaderMenuButton: true, suppressKeyboardEvent: (p) => this.onKey(p) },
      onCellMouseOver: (e) => {
        const cell = this.ratingCellOf(e.data, e.column.getColId());
        const mouse = e.event instanceof MouseEvent ? { x: e.event.clientX, y: e.event.clientY } : null;
        this.events.onHover(cell, mouse);
      },
      onCellMouseOut: () => this.events.onHover(null, null),
      onCellFocused: (e) => {
        const col = typeof e.column === 'string' ? e.column : e.column?.getColId();
        const row = e.rowPinned || e.rowIndex === null || e.rowIndex === undefined ? null : e.rowIndex;
        const m = col ? movieIndexOfCol(col) : null;
        const cell = row !== null && m !== null ? { row, col: m } : null;
        this.select(cell);
        this.events.onFocus(cell);
      },
    });
    // Capture phase: Shift is read before ag-grid moves the focus on the same key or click.
    // Shift+Tab and Shift+Enter move the focus too, but they are not selecting.
    host.addEventListener('keydown', (e) => (this.extending = e.shiftKey && e.key.startsWith('Arrow')), true);
    host.addEventListener('mousedown', (e) => (this.extending = e.shiftKey), true);
    // The DOM copy event: Ctrl+C, Cmd+C and the Electron menu's Copy role all end here, and it
    // needs no clipboard permission (the desktop app denies them all). It goes to the document:
    // with no text selected the browser aims it at the body, not at the focused cell. Chromium
    // runs Copy with no text selected only when the page cancels `beforecopy` (that is how a
    // page says it has something to copy), so the grid does that while it holds the focus.
    const doc = host.ownerDocument;
    doc.addEventListener('beforecopy', (e) => this.copyingFromGrid() && e.preventDefault());
    doc.addEventListener('copy', (e) => this.copyingFromGrid() && this.copy(e));
    doc.defaultView?.addEventListener('resize', () => {
      const height = headerHeightFor(doc.defaultView!.innerHeight);
      if (this.api.getGridOption('headerHeight') !== height) this.api.setGridOption('headerHeight', height);
    });
  }

  /** Full state: rebuilds columns and rows when the sheet's shape changed. */
  setState(state: AppState): void {
    this.state = state;
    this.numbers = state.numbers;
    const n = state.numbers;
    // Users, movies and pins are part of the shape: the crosstab and Find change them in place.
    const { users, movies, data } = state.sheet;
    const shape = [k(n), hasBiases(n), users.map((u) => u.id).join(','), movies.map((m) => m.id).join(','), state.config.model.kind, data.pinned.users.join(','), data.pinned.items.join(',')].join('|');
    if (shape !== this.shape) {
      this.shape = shape;
      // The old rows go first: ag-grid refreshes the rows it has with new columns' getters, and
      // the old rows can be more users than the new state has (the crosstab shrank).
      this.api.setGridOption('rowData', []);
      this.api.updateGridOptions({
        columnDefs: this.columns(state),
        pinnedTopRowData: this.pinnedRows(n),
        rowData: state.sheet.users.map((u, row) => ({ kind: 'user' as const, id: `u:${u.id}`, row })),
      });
    }
    this.api.setGridOption('suppressClickEdit', state.status === 'training');
    this.repaint();
  }

  /** New numbers arrived from training (counted apart from repaints: the page paints them paced, app.ts). */
  noteNumbersArrived(): void {
    this.host.dataset['updates'] = String(++this.updates);
  }

  /** New numbers from a training epoch: only the cell values change. */
  setNumbers(numbers: SheetNumbers): void {
    this.numbers = numbers;
    this.repaint(false);
  }

  setMode(mode: ViewMode): void {
    this.mode = mode;
    this.host.dataset['mode'] = mode;
    this.repaint();
  }

  focusedRatingCell(): SheetCell | null {
    const f = this.api.getFocusedCell();
    if (!f || f.rowPinned) return null;
    const col = movieIndexOfCol(f.column.getColId());
    return col === null ? null : { row: f.rowIndex, col };
  }

  focusCell(cell: SheetCell): void {
    this.extending = false;
    // A row or column just added sits at the far end: bring it into view before focusing it.
    this.api.ensureIndexVisible(cell.row);
    this.api.ensureColumnVisible(movieCol(cell.col));
    this.api.setFocusedCell(cell.row, movieCol(cell.col));
  }

  /**
   * Refreshes the cells at once. New numbers only re-render the cells whose text changed (a
   * cell's classes follow from the same numbers as its text); a new state or view re-renders all.
   * A Solve's numbers come here paced by app.ts (panels/paint-pacer.ts): at most one repaint a
   * frame (two updates within one frame were never both on screen), and on a machine where a
   * repaint costs more than a frame, as much time free for input as the repaint took.
   */
  private repaint(all = true): void {
    const started = performance.now();
    this.api.refreshCells({ force: all, suppressFlash: true });
    this.repaintMs += performance.now() - started;
    this.host.dataset['repaints'] = String(++this.repaints);
    this.host.dataset['repaintMs'] = this.repaintMs.toFixed(1);
  }

  /**
   * A plain focus move starts a new selection; a shifted one stretches it from the anchor. The
   * cells repaint only when a block of more than one cell is or was marked: moving a one-cell
   * selection around is the grid's own focus ring.
   */
  private select(cell: SheetCell | null): void {
    const marked = this.highlight;
    if (!cell) this.anchor = null;
    else if (!this.extending || !this.anchor) this.anchor = cell;
    this.selection = cell && this.anchor ? rangeBetween(this.anchor, cell) : null;
    this.highlight = this.selection && cellCount(this.selection) > 1 ? this.selection : null;
    if (marked || this.highlight) this.repaint();
  }

  /**
   * Puts the selected ratings on the clipboard as tab-separated text (copy-block.ts says what a
   * blank copies as); outside the ratings, the focused cell's text. A cell editor's own copy (its
   * text selection) is left to the browser.
   */
  private copy(e: ClipboardEvent): void {
    if (!e.clipboardData) return;
    const text = this.selection && this.state ? toTsv(ratingsBlock(this.state.sheet.ratings, this.selection)) : this.focusedText();
    if (text === null) return;
    e.clipboardData.setData('text/plain', text);
    e.preventDefault();
  }

  /** The focus is on a grid cell, not in a cell editor (whose text selection the browser copies). */
  private copyingFromGrid(): boolean {
    const active = this.host.ownerDocument.activeElement;
    return active !== null && this.host.contains(active) && !(active instanceof HTMLInputElement || active instanceof HTMLTextAreaElement);
  }

  private focusedText(): string | null {
    const f = this.api.getFocusedCell();
    if (!f) return null;
    const node = f.rowPinned === 'top' ? this.api.getPinnedTopRow(f.rowIndex) : this.api.getDisplayedRowAtIndex(f.rowIndex);
    if (!node) return null;
    return toTsv([[String(this.api.getCellValue({ rowNode: node, colKey: f.column }) ?? '')]]);
  }

  private ratingCellOf(data: SheetRow | undefined, colId: string): SheetCell | null {
    const col = movieIndexOfCol(colId);
    return data?.kind === 'user' && col !== null ? { row: data.row, col } : null;
  }

  private columns(state: AppState): ColDef<SheetRow>[] {
    const factors = shownFactors(state.numbers);
    const biases = hasBiases(state.numbers);
    const cornerSpan = factors + (biases ? 1 : 0);
    const view = (get: (p: ValueGetterParams<SheetRow> | CellClassParams<SheetRow>) => CellView) => ({
      valueGetter: (p: ValueGetterParams<SheetRow>) => get(p).text,
      cellClass: (p: CellClassParams<SheetRow>) => get(p).classes,
    });
    const label: ColDef<SheetRow> = {
      colId: LABEL_COL,
      headerName: 'user ╲ movie',
      headerClass: 'corner-header',
      pinned: 'left',
      width: 112,
      cellClass: (p) =>
        p.data?.kind !== 'user' ? 'row-label param-label' : this.isPinned('users', state.sheet.users[p.data.row].id) ? 'row-label pinned' : 'row-label',
      valueGetter: (p) => {
        const d = p.data;
        if (!d) return '';
        if (d.kind === 'user') return state.sheet.users[d.row].label;
        if (d.kind === 'movie-bias') return 'movie bias';
        return `movie factor ${d.factor + 1}`;
      },
    };
    const userParams: ColDef<SheetRow>[] = Array.from({ length: factors }, (_, f) => ({
      colId: userFactorCol(f),
      headerName: `f${f + 1}`,
      headerTooltip: `user factor ${f + 1}`,
      headerClass: 'param-header',
      pinned: 'left',
      width: 50,
      colSpan: (p) => (f === 0 && p.data?.kind !== 'user' ? cornerSpan : 1),
      ...this.parameterColumn(userFactorCol(f)),
      ...view((p) => (p.data?.kind === 'user' ? parameterCell(this.userFactor(p.data.row, f)) : this.corner(p.data, f))),
    }));
    if (biases) {
      userParams.push({
        colId: USER_BIAS_COL,
        headerName: 'bias',
        headerTooltip: 'user bias',
        headerClass: 'param-header',
        pinned: 'left',
        width: 50,
        colSpan: (p) => (factors === 0 && p.data?.kind !== 'user' ? cornerSpan : 1),
        ...this.parameterColumn(USER_BIAS_COL),
        ...view((p) => (p.data?.kind === 'user' ? parameterCell(this.numbers?.snapshot.userBias[p.data.row]) : this.corner(p.data, 0))),
      });
    }
    const movies: ColDef<SheetRow>[] = state.sheet.movies.map((movie, m) => ({
      colId: movieCol(m),
      headerName: movie.title,
      // Its side features (genres, year) on hover, when the data has them (issue 15 item 5).
      headerTooltip: movie.features ? `${movie.title} — ${movie.features}` : movie.title,
      headerClass: () => (this.isPinned('items', movie.id) ? ['movie-header', 'pinned'] : ['movie-header']),
      width: 52,
      // Ratings, and the movie factor and bias rows above them.
      editable: () => this.state?.status !== 'training',
      cellEditorParams: (p: { data?: SheetRow }) => ({ value: this.editText(p.data, movieCol(m)) }),
      suppressKeyboardEvent: (p) => {
        const key = p.event.key;
        if (!p.editing && p.event.type === 'keydown' && p.data?.kind === 'user' && (key === 'Delete' || key === 'Backspace')) {
          this.events.onClear({ row: p.data.row, col: m });
          return true;
        }
        return this.onKey(p);
      },
      valueSetter: (p: ValueSetterParams<SheetRow>) => {
        const text = String(p.newValue ?? '').trim();
        if (p.data.kind === 'user') this.events.onEdit({ row: p.data.row, col: m }, text);
        else this.setParameter(p.data, movieCol(m), text);
        // The sheet changes when the service says so (a `changed` event), not here.
        return false;
      },
      ...view((p) => {
        const d = p.data;
        if (!this.state || !this.numbers || !d) return { text: '', classes: [] };
        if (d.kind === 'user') {
          const shown = ratingCell(this.state, this.numbers, d.row, m, this.mode);
          return inRange(this.highlight, d.row, m) ? { ...shown, classes: [...shown.classes, 'in-range'] } : shown;
        }
        const snap = this.numbers.snapshot;
        const kk = k(this.numbers);
        return parameterCell(d.kind === 'movie-bias' ? snap.itemBias[m] : snap.itemFactors[m * kk + d.factor]);
      }),
    }));
    return [label, ...userParams, ...movies];
  }

  /** A user's factor or bias column: its cells in the user rows are editable (the corner above is not). */
  private parameterColumn(colId: string): Partial<ColDef<SheetRow>> {
    return {
      editable: (p) => p.data?.kind === 'user' && this.state?.status !== 'training',
      cellEditorParams: (p: { data?: SheetRow }) => ({ value: this.editText(p.data, colId) }),
      valueSetter: (p: ValueSetterParams<SheetRow>) => {
        this.setParameter(p.data, colId, String(p.newValue ?? '').trim());
        return false;
      },
    };
  }

  private setParameter(data: SheetRow, colId: string, text: string): void {
    const cell = parameterOf(data, colId);
    if (cell) this.events.onParameter(cell, text);
  }

  /**
   * What F2 (or a double click) opens a cell's editor with: a rating's own value (3.25, not the
   * 3.3 shown), nothing for a blank cell (not its prediction, which is not data), a parameter's
   * value to 6 digits. A typed character replaces it (ag-grid opens the editor with that key).
   */
  private editText(data: SheetRow | undefined, colId: string): string {
    const m = movieIndexOfCol(colId);
    if (data?.kind === 'user' && m !== null) {
      const rating = this.state?.sheet.ratings[data.row]?.[m];
      return rating === null || rating === undefined ? '' : String(rating);
    }
    const p = parameterOf(data, colId);
    return p ? parameterEditText(this.parameterValue(p)) : '';
  }

  private parameterValue(p: ParameterCell): number | undefined {
    const n = this.numbers;
    if (!n) return undefined;
    const { snapshot } = n;
    if (p.factor === 'bias') return (p.side === 'user' ? snapshot.userBias : snapshot.itemBias)[p.row];
    return (p.side === 'user' ? snapshot.userFactors : snapshot.itemFactors)[p.row * k(n) + p.factor];
  }

  /** Keys the grid should not handle its own way; true when handled here. */
  private onKey(p: SuppressKeyboardEventParams<SheetRow>): boolean {
    const e = p.event;
    if (p.editing || e.type !== 'keydown' || (e.key !== 'Home' && e.key !== 'End') || e.altKey) return false;
    const from = this.api.getFocusedCell();
    if (!from) return false;
    const columns = this.api.getAllDisplayedColumns().map((c) => c.getColId());
    const shape = { columns, firstRatingColumn: columns.findIndex((c) => movieIndexOfCol(c) !== null), users: this.state?.sheet.users.length ?? 0 };
    const target = jumpTarget(e.key, e.ctrlKey || e.metaKey, { rowIndex: from.rowIndex, pinned: from.rowPinned === 'top', colId: from.column.getColId() }, shape);
    if (target) this.jumpTo(target);
    e.preventDefault();
    return true;
  }

  private jumpTo(cell: GridCell): void {
    this.extending = false;
    if (!cell.pinned) this.api.ensureIndexVisible(cell.rowIndex);
    this.api.ensureColumnVisible(cell.colId);
    this.api.setFocusedCell(cell.rowIndex, cell.colId, cell.pinned ? 'top' : null);
  }

  /** A user or movie Find brought into view (shown first, marked). */
  private isPinned(kind: 'users' | 'items', id: string): boolean {
    return this.state?.sheet.data.pinned[kind].includes(id) ?? false;
  }

  private pinnedRows(n: SheetNumbers): SheetRow[] {
    const rows: SheetRow[] = Array.from({ length: shownFactors(n) }, (_, f) => ({ kind: 'movie-factor' as const, id: `mf:${f}`, factor: f }));
    if (hasBiases(n)) rows.push({ kind: 'movie-bias', id: 'mb' });
    return rows;
  }

  private userFactor(row: number, f: number): number | undefined {
    if (!this.numbers) return undefined;
    return this.numbers.snapshot.userFactors[row * k(this.numbers) + f];
  }

  /** The top-left block: train RMSE on the first parameter row, valid RMSE on the second. */
  private corner(d: SheetRow | undefined, f: number): CellView {
    if (!d || f !== 0 || !this.numbers) return { text: '', classes: ['corner'] };
    const fit = this.numbers.fit;
    const first = d.kind === 'movie-factor' && d.factor === 0;
    const onlyRow = this.pinnedRows(this.numbers).length === 1;
    if (first) {
      const valid = onlyRow && fit.validRmse !== null ? ` · valid ${fit.validRmse.toFixed(4)}` : '';
      return { text: `RMSE ${fit.trainRmse.toFixed(4)}${valid}`, classes: ['corner', 'rmse', 'rmse-train'] };
    }
    const second = d.kind === 'movie-factor' ? d.factor === 1 : shownFactors(this.numbers) === 1;
    if (second && fit.validRmse !== null) {
      return { text: `valid RMSE ${fit.validRmse.toFixed(4)}`, classes: ['corner', 'rmse', 'rmse-valid'] };
    }
    return { text: '', classes: ['corner'] };
  }
}

/**
 * The movie titles stand upright in the header: 172 px shows most whole, but on a short window
 * (1024 × 700 left room for about one and a half user rows under the factor rows) the rows
 * matter more; a title cut there is whole on hover.
 */
export function headerHeightFor(windowHeight: number): number {
  return windowHeight < 800 ? 120 : 172;
}
