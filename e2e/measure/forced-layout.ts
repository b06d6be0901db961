/**
 * Issue 16 item 5: which script forces Chromium to recalculate style or layout while a Solve
 * paints? Starts the built web host on a ratings file, opens the page, focuses a sheet cell,
 * presses Solve and, with the pointer resting on that cell (its formula tooltip shown, as a user
 * reading it would) or off the sheet (`off`), records a Chromium trace of a few seconds. Every
 * style recalculation (UpdateLayoutTree) or layout that carries a JavaScript stack was forced by
 * a script's read; they are summed by their top frames, beside the frames' total.
 *
 *   npm run build && npx tsx e2e/measure/forced-layout.ts [ratings-file] [on|off] [build-folder] [seconds]
 *
 * Found at e435bfa's parent (ml-100k, 6 s, pointer on a cell): 455 of the 489 ms of style and
 * layout were forced — the tooltip measuring itself (getBoundingClientRect) in every live paint
 * after the sheet's cells were written, 280 ms; chart.js setting its canvas font after them (the
 * legend's fit), 160 ms. After e435bfa: 0 ms forced, 267 ms style and layout in all.
 */
import { chromium } from '@playwright/test';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AppState } from '../../src-main/service/contract.ts';
import { CHROMIUM, sendCommand, startWebHost } from './web-host.ts';

const ratings = process.argv[2] ?? '/work/shared/data/ml-100k/u.data';
const pointerOnCell = (process.argv[3] ?? 'on') !== 'off';
const build = process.argv[4] ?? 'out';
const seconds = Number(process.argv[5] ?? 6);

/** The part of a Chromium trace event read here. */
interface TraceEvent {
  name: string;
  ph: string;
  dur?: number;
  args?: { beginData?: { stackTrace?: StackFrame[] }; data?: { stackTrace?: StackFrame[] } };
}
interface StackFrame { functionName: string; url: string; lineNumber: number }

const tracePath = join(mkdtempSync(join(tmpdir(), 'collabsheet-trace-')), 'trace.json');
const host = await startWebHost(ratings, [], build);
const { config } = await sendCommand<AppState>(host.url, 'getState', {});
await sendCommand(host.url, 'setConfig', { config: { ...config, epochs: 500 } });
const browser = await chromium.launch(CHROMIUM);
try {
  const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
  await page.goto(host.url);
  await page.locator('#solve').waitFor({ state: 'visible' });
  await page.waitForFunction(`document.body.dataset.status === 'idle'`);
  const cell = page.locator('.ag-grid-scrolling-rows [row-index="1"] [col-id="m3"]').first();
  await cell.click();
  await page.click('#solve');
  await page.waitForFunction(`document.body.dataset.status === 'training'`);
  if (pointerOnCell) await cell.hover();
  else await page.mouse.move(5, 995);
  await browser.startTracing(page, {
    path: tracePath,
    categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'disabled-by-default-devtools.timeline.stack'],
  });
  await page.waitForTimeout(seconds * 1000);
  await browser.stopTracing();
} finally {
  await browser.close();
  host.process.kill('SIGTERM');
}

const parsed: unknown = JSON.parse(readFileSync(tracePath, 'utf8'));
const events = (Array.isArray(parsed) ? parsed : (parsed as { traceEvents: TraceEvent[] }).traceEvents) as TraceEvent[];
const byStack = new Map<string, { count: number; ms: number }>();
let totalMs = 0;
let forcedMs = 0;
for (const e of events) {
  if (e.ph !== 'X' || (e.name !== 'Layout' && e.name !== 'UpdateLayoutTree')) continue;
  const ms = (e.dur ?? 0) / 1000;
  totalMs += ms;
  const stack = e.args?.beginData?.stackTrace ?? e.args?.data?.stackTrace;
  if (!stack?.length) continue;
  forcedMs += ms;
  const key = `${e.name}: ${stack.slice(0, 6).map((f) => `${f.functionName || '(anonymous)'} ${f.url.split('/').pop()}:${f.lineNumber}`).join(' < ')}`;
  const sum = byStack.get(key) ?? { count: 0, ms: 0 };
  byStack.set(key, { count: sum.count + 1, ms: sum.ms + ms });
}
console.log(`${build}, pointer ${pointerOnCell ? 'on a cell' : 'off the sheet'}: style + layout ${totalMs.toFixed(0)} ms in ${seconds} s, forced by a script ${forcedMs.toFixed(0)} ms`);
for (const [stack, sum] of [...byStack].sort((a, b) => b[1].ms - a[1].ms).slice(0, 12)) {
  console.log(`${sum.ms.toFixed(1).padStart(7)} ms ${String(sum.count).padStart(4)}×  ${stack}`);
}
