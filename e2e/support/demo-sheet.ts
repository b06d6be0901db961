/** Test support shared by the specs: the demo sheet put back through the service's socket. */
import { resolve } from 'node:path';
import WebSocket from 'ws';

const TOKEN = process.env['COLLABSHEET_E2E_TOKEN'];
export const DEMO = resolve('resources/demo-sheet.json');

/** Reopens the demo sheet through the service's socket, as the page's own client would. */
export async function reopenDemoSheet(baseURL: string): Promise<void> {
  const ws = new WebSocket(`${baseURL.replace(/^http/, 'ws')}/socket?token=${TOKEN}`, { origin: baseURL });
  await new Promise((ok, fail) => ws.once('open', ok).once('error', fail));
  const reply = new Promise<{ ok: boolean; error?: string }>((ok) =>
    ws.on('message', (data) => {
      const m = JSON.parse(String(data));
      if (m.id === 1) ok(m);
    }),
  );
  ws.send(JSON.stringify({ id: 1, command: 'openRatings', args: { path: DEMO } }));
  const r = await reply;
  ws.close();
  if (!r.ok) throw new Error(r.error);
}
