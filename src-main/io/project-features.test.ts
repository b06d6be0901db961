/**
 * Issue 15 item 5: a project's side features (format 2) are read back as saved, and a table that
 * passes its checksums but lies (a code beyond its vocabulary, offsets that do not span the codes)
 * is refused with the project and the place.
 */
import { describe, expect, it } from 'vitest';
import type { FeatureTable } from '../data/import/features.ts';
import { type CollabProject, decodeProject, encodeProject } from './project.ts';

const table = (over: Partial<FeatureTable['features'][number]> = {}): FeatureTable => ({
  file: '/d/u.item', format: 'u.item', label: 'MovieLens u.item', encoding: 'latin1', ids: ['1', '2'],
  features: [{ kind: 'multi', name: 'genres', unknown: 0, vocabulary: ['(unknown)', 'Action', 'Comedy'], offsets: Int32Array.from([0, 2, 3]), codes: Int32Array.from([1, 2, 2]), ...over } as FeatureTable['features'][number]],
  skippedColumns: [], skippedRows: 0, badCells: 0, badRowExamples: [], bytes: 40, seconds: 0.01,
});

const project = (features: CollabProject['features']): CollabProject => ({
  name: 'p', source: { kind: 'generated', spec: { users: 3, items: 2, ratings: 4, rank: 1, noise: 0, seed: 1 } }, config: null, model: null, history: [], features,
});
const roundTrip = (p: CollabProject) => decodeProject('/d/p.collabsheet', Buffer.concat(encodeProject(p, null))).project;

describe('side features in a project file', () => {
  it('come back as saved: ids, vocabulary, CSR codes', () => {
    const back = roundTrip(project({ item: table(), user: null }));
    const f = back.features!.item!.features[0];
    expect(back.features!.user).toBeNull();
    expect(back.features!.item!.ids).toEqual(['1', '2']);
    if (f.kind !== 'multi') throw new Error('expected genres');
    expect(Array.from(f.offsets)).toEqual([0, 2, 3]);
    expect(Array.from(f.codes)).toEqual([1, 2, 2]);
  });

  it('a project without them (format 1, or none imported) has none', () => {
    expect(roundTrip(project(undefined)).features).toBeUndefined();
  });

  it('refuses a code beyond the vocabulary and offsets that do not span the codes, naming them', () => {
    expect(() => roundTrip(project({ item: table({ codes: Int32Array.from([1, 7, 2]) }), user: null }))).toThrow(
      '/d/p.collabsheet: is not a valid project (the item feature "genres" has code 7 beyond its 3 values)',
    );
    expect(() => roundTrip(project({ item: table({ offsets: Int32Array.from([0, 2, 5]) }), user: null }))).toThrow(/the item feature "genres" has offsets that do not span its codes/);
  });
});
