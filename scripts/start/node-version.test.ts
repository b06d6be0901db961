import { describe, expect, it } from 'vitest';
import { CLEAN_INSTALL_NODE, nodeVersionNote, olderThan } from './node-version.ts';

// Issue 16 item 9: npm printed engine warnings on Node 20 while the README said Node 20 was enough;
// `npm start` now says which Node installs cleanly when an older one runs it.
describe('the Node version npm start checks', () => {
  it('compares versions part by part, not as text', () => {
    expect(olderThan('20.20.2', '22.12.0')).toBe(true);
    expect(olderThan('v22.11.9', '22.12.0')).toBe(true);
    expect(olderThan('22.12.0', '22.12.0')).toBe(false);
    expect(olderThan('22.9.0', '22.12.0')).toBe(true); // "9" > "1" as text
    expect(olderThan('24.0.0', '22.12.0')).toBe(false);
    expect(olderThan('100.0.0', '22.12.0')).toBe(false);
  });

  it('says plainly on Node 20 which version installs without the warnings, and nothing on 22.12+', () => {
    const note = nodeVersionNote('20.20.2');
    expect(note).toContain('Node 20.20.2');
    expect(note).toContain(`Node ${CLEAN_INSTALL_NODE} or newer`);
    expect(note).toContain('EBADENGINE');
    expect(note).toContain('README.md');
    expect(nodeVersionNote('22.12.0')).toBeNull();
    expect(nodeVersionNote('24.3.1')).toBeNull();
  });
});
