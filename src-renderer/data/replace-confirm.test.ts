import { describe, expect, it } from 'vitest';
import type { WriteExists } from '../../src-main/service/contract.ts';
import { question, replacingIfConfirmed } from './replace-confirm.ts';

const exists = (existing: string[], path = existing[0]): WriteExists => ({ refused: 'exists', path, existing, message: `${path} already exists` });

describe('asking before a file is replaced (issue 13 finding 8)', () => {
  it('passes a write that was done straight through, asking nothing', async () => {
    const asked: string[] = [];
    const r = await replacingIfConfirmed({ path: '/d/a.xlsx' }, async (q) => (asked.push(q), true), async () => {
      throw new Error('not sent again');
    });
    expect(r).toEqual({ path: '/d/a.xlsx' });
    expect(asked).toEqual([]);
  });

  it('asks "Replace it?" and on yes sends again with the full path the service resolved', async () => {
    const again: string[] = [];
    const r = await replacingIfConfirmed<{ path: string }>(exists(['/home/me/Documents/a.collabsheet']), async (q) => q === '/home/me/Documents/a.collabsheet already exists. Replace it?', async (path) => {
      again.push(path);
      return { path };
    });
    expect(again).toEqual(['/home/me/Documents/a.collabsheet']);
    expect(r).toEqual({ path: '/home/me/Documents/a.collabsheet' });
  });

  it('on no, sends nothing and answers null', async () => {
    let sent = 0;
    expect(await replacingIfConfirmed(exists(['/d/a.xlsx']), async () => false, async () => (sent++, { path: '' }))).toBeNull();
    expect(sent).toBe(0);
  });

  it('names every file a folder export would replace', () => {
    expect(question(exists(['/out/users.csv', '/out/ids.json'], '/out'))).toBe('2 files already exist in /out: users.csv, ids.json. Replace them?');
  });
});
