/**
 * Issue 16 item 5: are clicks answered within 100 ms while ml-100k trains? Starts the built web
 * host on a ratings file (ml-100k's u.data by default), opens the page in Chromium, clicks real
 * controls N times each while idle and then while a Solve runs, and times each click from the
 * input event's timestamp (when Chromium received it, so a busy page's queueing counts) to the
 * first animation frame after the control's visible response (a MutationObserver sees the DOM
 * change). Meanwhile it records the page's long tasks and the host's event-loop delay.
 *
 *   npx electron-vite build && npx tsx e2e/measure/click-latency.ts [ratings-file] [clicks-per-control] [build-folder]
 *
 * The build folder (default out) lets a copy of an older build run under the same load.
 *
 * Results, issue 16 item 5 (ml-100k, the default recipe with 500 epochs, Chromium 1600 × 1000, a
 * 2-core machine shared with other work, load average ~8; before = main at 484bc72, after = the
 * paced live paint and the synchronous Open recent list; runs interleaved before/after/before/after,
 * 10 clicks of each of 5 controls per run; ms, p50 / p95 / max over all 50 clicks):
 *   idle               before  12 / 62 / 69     9 / 58 / 113    after  15 / 43 / 91    13 / 65 / 72
 *   during training    before  49 / 437 / 684  31 / 428 / 773   after  18 / 119 / 345  22 / 270 / 531
 *   File menu, training p50   before 207, 223                   after  80, 26
 *   renderer long tasks while training: before 345, 340 (p50 ~100 ms); after 76, 103
 * Causes found: every update from the worker (~15-30 a second) repainted the sheet and the chart
 * at once, ~25-40 ms of script plus ~100 ms of style/layout/paint each on this machine, so the
 * page was never idle; and the File menu's recent list took one worker event-loop turn per awaited
 * file operation while the trainer yields one turn per batch. The host's own event loop stayed
 * under 10 ms p99 throughout, and the service answers other commands within a batch.
 * The goal (≤ 100 ms) holds at p50, not at p95 on this loaded machine; 25M was not measured (see
 * the issue-16 report: the machine's 2 cores were shared at load 8-17).
 *
 * Re-measured at fb68921 (the paint code as "after", load 0.9-3.3, 10 clicks of each control, all
 * controls while training, p50 / p95 / max): 15 / 122 / 232, 11 / 55 / 97, 13 / 118 / 149,
 * 11 / 54 / 62 (idle 7-10 / 21-42). The long frames' breakdown (run 3: 30 long frames, 2146 ms):
 * the paced live paint's frame callback 778 ms (185 of it forced style/layout), the frames'
 * rendering 1183 ms (style + layout + paint 350), ag-grid's onGridSizeChanged 27 ms, socket
 * messages 5 ms; no GC-sized gaps. Timing paintLive's parts (226 paints, a temporary probe): the
 * grid's setNumbers 5.2 ms a paint, the curve's chart.update 4.8 ms (incremental already), the
 * formula bar 0.6 ms, tastes and status under 0.1 ms. So the tail is a paint frame (script plus
 * a forced reflow in it) landing just before the click on a loaded machine, not one slow part.
 *
 * The forced style/layout, attributed by e2e/measure/forced-layout.ts (a trace's stacks): the
 * hover tooltip measured itself in every paint after the cells were written (a pointer resting on
 * the sheet), and chart.js set its canvas font after them. Fixed at e435bfa (0 ms forced after,
 * of 455 before in 6 s). Before (e435bfa's parent) / after, interleaved, 10 clicks of each
 * control, all controls while training, p50 / p95 / max:
 *   ml-100k, load 2-5    before  11 / 55 / 83    10 / 55 / 67    13 / 66 / 112
 *                        after   13 / 64 / 82    13 / 53 / 62    14 / 106 / 200
 *   ml-100k, load ~10    before  15 / 271 / 399                  after  14 / 118 / 205 (8 clicks)
 *   5M, fused kernel     before  26 / 134 / 186                  after   8 / 103 / 109 (8 clicks, load 6-8)
 *   25M, fused kernel    before   7 / 60 / 95 (e2e tests ran beside it)  after  11 / 55 / 56 (6 clicks, load 2-5)
 * On a lightly loaded machine the tail was already near 100 ms and stays there; the forced
 * reflows mattered under load. What remains in the slow clicks: the view switch re-renders every
 * cell in its click handler (40-140 ms under load), and paint frames' script.
 */
import { chromium, type Page } from '@playwright/test';
import type { AppState } from '../../src-main/service/contract.ts';
import { CHROMIUM, sendCommand, startWebHost, type LagSecond } from './web-host.ts';

const ratings = process.argv[2] ?? '/work/shared/data/ml-100k/u.data';
const perControl = 2 * Math.ceil(Number(process.argv[3] ?? 8) / 2);
const build = process.argv[4] ?? 'out';
/** The goal: a click answered within this (issue 16 item 5); slower ones get their frames broken down. */
const SLOW_MS = 100;

/**
 * The controls clicked, each with the DOM change that answers it (page code as strings: tsx
 * would wrap functions in a helper the page does not have). Undo is not among them: it is
 * disabled while training.
 */
interface Control {
  name: string;
  selector: (n: number) => string;
  answered: (n: number) => string;
  /** Page code run before the click, to tell the answer from what was there. */
  before?: string;
}
const CONTROLS: Control[] = [
  {
    name: 'sheet cell',
    selector: (n) => `.ag-grid-scrolling-rows [row-index="${n % 2}"] [col-id="m${2 + (n % 2)}"]`,
    answered: (n) => `document.querySelector('.ag-grid-scrolling-rows [row-index="${n % 2}"] [col-id="m${2 + (n % 2)}"]')?.classList.contains('ag-cell-focus')`,
  },
  {
    name: 'side pane toggle',
    selector: () => '#toggle-side',
    answered: (n) => `document.getElementById('toggle-side').getAttribute('aria-expanded') === '${n % 2 === 0 ? 'false' : 'true'}'`,
  },
  {
    name: 'Sheet/Insights tab',
    selector: (n) => (n % 2 === 0 ? '#pane-insights' : '#pane-sheet'),
    answered: (n) => `document.getElementById('${n % 2 === 0 ? 'pane-insights' : 'pane-sheet'}').getAttribute('aria-selected') === 'true'`,
  },
  {
    name: 'view (Predictions/Ratings)',
    selector: (n) => (n % 2 === 0 ? '#view-predictions' : '#view-ratings'),
    answered: (n) => `document.getElementById('${n % 2 === 0 ? 'view-predictions' : 'view-ratings'}').getAttribute('aria-checked') === 'true'`,
  },
  {
    // The one control here whose answer needs the service: opening the menu asks for the recent
    // files, and the list is rebuilt from the reply (its heading is a new element then).
    name: 'File menu (recent list)',
    selector: () => '#file-menu > summary',
    answered: (n) => (n % 2 === 0
      ? `(() => { const h = document.querySelector('#menu-recent .menu-heading'); return document.getElementById('file-menu').open && h !== null && !h.dataset.seen; })()`
      : `!document.getElementById('file-menu').open`),
    before: `document.querySelector('#menu-recent .menu-heading')?.setAttribute('data-seen', '1')`,
  },
];

const host = await startWebHost(ratings, [], build);
// Epochs enough to outlast the clicks; a Solve that ends anyway is restarted between clicks.
const { config } = await sendCommand<AppState>(host.url, 'getState', {});
await sendCommand(host.url, 'setConfig', { config: { ...config, epochs: 500 } });
let recordingLag = false;
const lag: LagSecond[] = [];
host.onLag((s) => recordingLag && lag.push(s));
const browser = await chromium.launch(CHROMIUM);
try {
  // bypassCSP: the page's CSP forbids eval, which string page code needs.
  const page = await browser.newPage({ viewport: { width: 1600, height: 1000 }, bypassCSP: true });
  await page.goto(host.url);
  await page.locator('#solve').waitFor({ state: 'visible' });
  await page.waitForFunction(`document.body.dataset.status === 'idle'`);
  console.log(`page: ${await page.locator('#sheet-totals').textContent()}`);
  await installRecorder(page);

  const idle = await clickRound(page, false);
  await page.evaluate('window.clickLatency.reset()');
  recordingLag = true;
  await page.click('#solve');
  await page.waitForFunction(`document.body.dataset.status === 'training'`);
  const training = await clickRound(page, true);
  recordingLag = false;
  const longTasks = await page.evaluate<number[]>('window.clickLatency.longTasks');
  const frames = await page.evaluate<LongFrame[]>('window.clickLatency.frames');
  const clicks = await page.evaluate<{ start: number; end: number }[]>('window.clickLatency.clicks');
  const epochs = await page.evaluate<string>(`document.getElementById('sheet').dataset.updates ?? '0'`);
  const repaintMs = await page.evaluate<string>(`document.getElementById('sheet').dataset.repaintMs ?? '0'`);
  // The status names the engine that trains (on big data the fused kernel, by the Engine setting's auto).
  const status = await page.locator('#status').getAttribute('title');
  if (await page.locator('#stop').isEnabled()) await page.click('#stop');

  console.log(`status while training: ${status}`);
  console.log(`${build}: click → visible response, ms (p50 / p95 / max):`);
  for (const c of CONTROLS) console.log(`  ${c.name.padEnd(28)} idle ${summary(idle.get(c.name)!)}   training ${summary(training.get(c.name)!)}`);
  console.log(`  ${'all controls'.padEnd(28)} idle ${summary([...idle.values()].flat())}   training ${summary([...training.values()].flat())}`);
  console.log(`renderer while training: ${longTasks.length} long tasks, p50 ${pct(longTasks, 0.5).toFixed(0)} ms, max ${Math.max(0, ...longTasks).toFixed(0)} ms; ` +
    `${epochs} number updates, ${repaintMs} ms in grid repaints (cumulative)`);
  const slow = clicks.filter((c) => c.end - c.start > SLOW_MS);
  console.log(`long frames while training: ${breakdown(frames)}`);
  console.log(`the long frames of the ${slow.length} clicks over ${SLOW_MS} ms: ${breakdown(frames.filter((f) => slow.some((c) => f.end > c.start && f.start < c.end)))}`);
  console.log(`host event-loop delay while training (per second): median p99 ${pct(lag.map((l) => l.p99), 0.5).toFixed(1)} ms, worst max ${Math.max(0, ...lag.map((l) => l.max)).toFixed(1)} ms`);
} finally {
  await browser.close();
  host.process.kill('SIGTERM');
}

/**
 * Clicks each control `perControl` times in a row (an even number: each control ends as it
 * started, so the sheet is on screen for the next), a pause between; restarts a finished Solve.
 */
async function clickRound(page: Page, whileTraining: boolean): Promise<Map<string, number[]>> {
  const times = new Map(CONTROLS.map((c) => [c.name, [] as number[]]));
  for (const c of CONTROLS) {
    for (let n = 0; n < perControl; n++) {
      // Only between pairs: the Solve click would close an open File menu.
      if (whileTraining && n % 2 === 0 && (await page.evaluate<boolean>(`document.body.dataset.status === 'idle'`))) {
        await page.click('#solve');
        await page.waitForFunction(`document.body.dataset.status === 'training'`);
      }
      const box = await page.locator(c.selector(n)).first().boundingBox();
      if (!box) throw new Error(`${c.name}: ${c.selector(n)} is not on screen`);
      if (c.before) await page.evaluate(c.before);
      await page.evaluate(`window.clickLatency.arm(() => ${c.answered(n)})`);
      await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
      const ms = await page.evaluate<number>('window.clickLatency.result').catch((error: Error) => {
        throw new Error(`${c.name}, click ${n + 1}${whileTraining ? ' while training' : ''}: ${error.message}`);
      });
      times.get(c.name)!.push(ms);
      await page.waitForTimeout(120 + Math.random() * 200);
    }
  }
  return times;
}

/**
 * In the page: arm(answered) waits for the next pointerdown, then for `answered()` to hold after a
 * DOM change, then for the next animation frame; `result` resolves with that frame's time minus
 * the pointerdown's timestamp. Long tasks are collected from the start.
 */
async function installRecorder(page: Page): Promise<void> {
  await page.evaluate(`(() => {
    const longTasks = [];
    new PerformanceObserver((list) => list.getEntries().forEach((e) => longTasks.push(e.duration))).observe({ type: 'longtask' });
    // Long animation frames (over 50 ms), with what ran in them: each script by its function
    // (or how it was invoked), and the frame's rendering — from renderStart (requestAnimationFrame
    // callbacks, then style, layout, paint), of which style and layout on from styleAndLayoutStart.
    const frames = [];
    new PerformanceObserver((list) => list.getEntries().forEach((e) => {
      const end = e.startTime + e.duration;
      frames.push({
        start: e.startTime, end,
        render: e.renderStart ? end - e.renderStart : 0,
        styleLayout: e.styleAndLayoutStart ? end - e.styleAndLayoutStart : 0,
        scripts: e.scripts.map((x) => ({ what: (x.sourceFunctionName || '(anonymous)') + ' ← ' + x.invoker, ms: x.duration, forced: x.forcedStyleAndLayoutDuration })),
      });
    })).observe({ type: 'long-animation-frame', buffered: true });
    const clicks = [];
    const api = { longTasks, frames, clicks, reset() { longTasks.length = 0; frames.length = 0; clicks.length = 0; } };
    api.arm = (answered) => {
      api.result = new Promise((resolve, reject) => {
        const timeout = setTimeout(() => reject(new Error('no response within 10 s')), 10000);
        document.addEventListener('pointerdown', (down) => {
          const started = down.timeStamp;
          const check = () => {
            if (!answered()) return false;
            observer.disconnect();
            requestAnimationFrame((frame) => { clearTimeout(timeout); clicks.push({ start: started, end: frame }); resolve(frame - started); });
            return true;
          };
          const observer = new MutationObserver(check);
          observer.observe(document.body, { subtree: true, attributes: true, childList: true });
          queueMicrotask(check);
        }, { capture: true, once: true });
      });
    };
    window.clickLatency = api;
  })()`);
}

/** A long animation frame as the page recorded it (installRecorder). */
interface LongFrame {
  start: number;
  end: number;
  render: number;
  styleLayout: number;
  scripts: { what: string; ms: number; forced: number }[];
}

/** Where the frames' time went: scripts by function (forced style/layout in them), rendering, style and layout. */
function breakdown(frames: LongFrame[]): string {
  const total = frames.reduce((t, f) => t + f.end - f.start, 0);
  const byScript = new Map<string, { ms: number; forced: number }>();
  for (const x of frames.flatMap((f) => f.scripts)) {
    const sum = byScript.get(x.what) ?? { ms: 0, forced: 0 };
    byScript.set(x.what, { ms: sum.ms + x.ms, forced: sum.forced + x.forced });
  }
  const top = [...byScript].sort((a, b) => b[1].ms - a[1].ms).slice(0, 6);
  const ms = (x: number) => x.toFixed(0);
  return `${frames.length} frames, ${ms(total)} ms; rendering ${ms(frames.reduce((t, f) => t + f.render, 0))} ms ` +
    `(style + layout + paint ${ms(frames.reduce((t, f) => t + f.styleLayout, 0))}); scripts:\n` +
    top.map(([what, t]) => `    ${ms(t.ms).padStart(6)} ms  ${what}${t.forced ? ` (forced style/layout ${ms(t.forced)})` : ''}`).join('\n');
}

function pct(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? NaN;
}

function summary(xs: number[]): string {
  return `${pct(xs, 0.5).toFixed(0).padStart(4)} / ${pct(xs, 0.95).toFixed(0).padStart(4)} / ${Math.max(...xs).toFixed(0).padStart(4)}`;
}
