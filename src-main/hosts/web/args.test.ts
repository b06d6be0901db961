import { describe, expect, it } from 'vitest';
import { parseWebHostArgs } from './args.ts';

describe('web host arguments', () => {
  it('defaults to a free port and the demo sheet', () => {
    expect(parseWebHostArgs([])).toEqual({ port: 0, sheet: undefined, ratings: undefined, validPct: undefined, measureLag: false });
  });

  it('reads a port, a ratings file, a split and the lag report', () => {
    expect(parseWebHostArgs(['--port', '8123', '--ratings', 'u.data', '--valid-pct', '0.1', '--measure-lag'])).toEqual({
      port: 8123, sheet: undefined, ratings: 'u.data', validPct: 0.1, measureLag: true,
    });
  });

  it.each([
    [['--port', 'http'], '--port: "http" is not a port number (0–65535)'],
    [['--port', '70000'], '--port: "70000" is not a port number'],
    [['--sheet', 'a.json', '--ratings', 'u.data'], '--sheet and --ratings cannot be used together'],
    [['--valid-pct', '0.9'], '--valid-pct: "0.9" is not a fraction in [0, 0.5]'],
    [['--colour'], "Unknown option '--colour'"],
  ])('refuses %j with one line', (argv, message) => {
    expect(() => parseWebHostArgs(argv)).toThrow(message);
  });
});
