/**
 * The `.collabsheet` project file: the data (embedded, or a reference to the ratings file it came
 * from), the hyperparameters, the trained parameters and optimizer state, and the training history.
 *
 * Format (version 2; version 1 had no runs and no side features, and opens without them), little-endian:
 *   0   8  magic "CSHEET\x1a\n" (the \x1a\n pair, as in PNG, exposes text-mode mangling)
 *   8   4  format version
 *   12  4  header length H
 *   16  4  CRC-32 of the header
 *   20  4  reserved (0)
 *   24  H  header: UTF-8 JSON {app, savedAt, autosaveOf, body, blobs: [{offset, byteLength, crc32}],
 *          mainBytes, runBlobs: [[{offset, byteLength, crc32}] per run]}
 *   …      blobs, each 8-byte aligned, offsets relative to the end of the header: first the sheet's
 *          (mainBytes of them), then the runs' parameters (issue 12 item 1)
 *
 * The runs' parameters come last so that opening reads only the first PREFIX + H + mainBytes
 * bytes: a run's factors are read from the file when the run is opened (LazyModel), and a
 * project with many runs opens as fast, and holds as little memory, as one without. Version 1
 * (no runs, no mainBytes) opens with no runs.
 *
 * Why not a zip: parameters and ratings are large typed arrays; this layout reads them back as
 * views on one buffer (no inflate, no copy), each blob is checksummed so damage is named, and it
 * needs no archive library. The version is readable before the JSON, so a newer file is refused
 * with a clear message instead of a parse error. Saves are atomic (see atomic-write.ts).
 */
import { crc32 } from 'node:zlib';
import { readdir, rm, stat } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { basename, join } from 'node:path';
import { z } from 'zod';
import type { RatingsDataset } from '../data/dataset.ts';
import type { ImportOptions } from '../data/import/index.ts';
import { ratingValueProblem } from '../data/rating-value.ts';
import { plantedSpecSchema } from '../data/synthetic-spec.ts';
import type { PlantedSpec } from '../data/synthetic.ts';
import type { EpochMetrics, ModelParams, TrainConfig } from '../engine/types.ts';
import { openRegularFile, readRegularFile, UnreadableFileError } from '../data/import/regular-file.ts';
import { type WriteOptions, writeFileAtomic } from './atomic-write.ts';
import { featuresProblem, type StoredFeatures, storedFeaturesSchema } from './project-features.ts';
import { type AnyTypedArray, blobElementBytes, type BlobRef, liftBlobs, lowerBlobs, typedView } from './blob-json.ts';

export const PROJECT_EXTENSION = '.collabsheet';
/** 2: runs (issue 12) and side features (project-features.ts). A format-1 project opens with neither. */
export const PROJECT_FORMAT_VERSION = 2;
const MAGIC = Buffer.from('CSHEET\x1a\n', 'latin1');
const PREFIX_BYTES = 24;
/** Up to 2 GB (a Buffer's practical limit): a 25M-rating project's factors and moments are ~130 MB. */
const MAX_PROJECT_BYTES = 2 * 2 ** 30;

/** Import options that can be stored (no callbacks, no signal). */
export type StoredImportOptions = Omit<ImportOptions, 'onProgress' | 'signal'>;

export type ProjectSource =
  | { kind: 'embedded'; dataset: RatingsDataset }
  /** The ratings file is re-read on open; size and mtime tell whether it changed since. */
  | { kind: 'file'; path: string; bytes: number; mtimeMs: number; importOptions: StoredImportOptions; validPath?: string }
  /** A planted synthetic dataset: the generator is deterministic, so its spec is the data. */
  | { kind: 'generated'; spec: PlantedSpec };

export interface CollabProject {
  name: string;
  source: ProjectSource;
  config: TrainConfig | null;
  model: ModelParams | null;
  history: EpochMetrics[];
  /** The app's own plain-data state (split, view, selection…), stored as is. */
  state?: unknown;
  /** The runs (issue 12 item 1): the app's plain-data record of each, and its parameters if kept. */
  runs?: StoredRun[];
  /** The side features' parsed tables (format 2); absent: none. */
  features?: StoredFeatures;
}

export interface StoredRun {
  meta: unknown;
  params: ModelParams | null;
}

/** A run's parameters still in the project file: `load` reads, checks and parses them. */
export interface LazyModel {
  bytes: number;
  load(): Promise<ModelParams>;
}

/** A project as opened: the runs' parameters stay in the file until asked for. */
export interface OpenedProject extends Omit<CollabProject, 'runs'> {
  runs: { meta: unknown; params: LazyModel | null }[];
}

/** Most runs a project file may list (the app keeps far fewer). */
const MAX_STORED_RUNS = 1000;

export class ProjectFileError extends Error {
  override readonly name = 'ProjectFileError';
  constructor(
    readonly file: string,
    readonly problem: string,
  ) {
    super(`${file}: ${problem}`);
  }
}

type BlobEntry = { offset: number; byteLength: number; crc32: number };

interface Header {
  app: string;
  savedAt: string;
  /** For an autosave: the project file it shadows (null for an untitled project). */
  autosaveOf: string | null;
  body: unknown;
  blobs: BlobEntry[];
  /** Bytes of the sheet's blobs (after the header); the runs' follow. Absent in version 1. */
  mainBytes?: number;
  /** Each run's parameter blobs, in body.runs order (an empty list for a run without). */
  runBlobs?: BlobEntry[][];
}

const blobEntrySchema = z.object({ offset: z.number().int().nonnegative(), byteLength: z.number().int().nonnegative(), crc32: z.number().int() });
const headerSchema = z.object({
  app: z.string(),
  savedAt: z.string(),
  autosaveOf: z.string().nullable(),
  body: z.unknown(),
  blobs: z.array(blobEntrySchema),
  mainBytes: z.number().int().nonnegative().optional(),
  runBlobs: z.array(z.array(blobEntrySchema)).max(MAX_STORED_RUNS).optional(),
});

const typed = <T>(ctor: new (...a: never[]) => T) => z.instanceof(ctor as never) as unknown as z.ZodType<T>;

/** Every value finite: NaN or Infinity in saved factors or moments would poison the first step. */
const finiteValues = <T extends Float32Array | Float64Array>(schema: z.ZodType<T>, what: string) =>
  schema.refine((a) => a.every(Number.isFinite), `has ${what} that are not finite numbers (NaN or Infinity)`);

/** A project is not a dump of anything: names and ids are text a person reads. */
const text = z.string().max(10_000);
const datasetSchema = z.strictObject({
  users: typed(Int32Array),
  items: typed(Int32Array),
  ratings: typed(Float32Array),
  userIds: z.array(text).min(1),
  itemIds: z.array(text).min(1),
  itemTitles: z.array(text.nullable()).optional(),
  itemGenres: z.array(z.array(text).nullable()).optional(),
  timestamps: finiteValues(typed(Float64Array), 'timestamps').optional(),
});

const columnRef = z.union([z.string().min(1).max(200), z.number().int().nonnegative().max(255)]);
/** How the ratings file is read again (ImportOptions without callbacks), as the import dialog gives them. */
export const storedImportOptionsSchema = z.strictObject({
  delimiter: z.enum([',', '\t', '::', ';', '|', ' ']).optional(),
  hasHeader: z.boolean().optional(),
  columns: z.strictObject({ user: columnRef, item: columnRef, rating: columnRef, timestamp: columnRef.nullable().optional() }).optional(),
  badRows: z.enum(['fail', 'skip']).optional(),
  maxBadRowExamples: z.number().int().min(0).max(1000).optional(),
  scale: z.strictObject({ min: z.number(), max: z.number() }).optional(),
  timestamps: z.boolean().optional(),
  titles: z.union([z.string().min(1).max(4096), z.literal(false)]).optional(),
}) satisfies z.ZodType<StoredImportOptions>;

/** A parameter tensor: whole non-negative dimensions whose product is the number of values. */
const paramSchema = z
  .strictObject({ shape: z.array(z.number().int().nonnegative()).max(8), data: finiteValues(typed(Float32Array), 'values') })
  .refine((p) => p.shape.reduce((a, b) => a * b, 1) === p.data.length, { message: 'holds a number of values its shape does not have', path: ['data'] });
const optimizerSchema = z.strictObject({
  step: z.number().int().nonnegative(),
  hypers: z.strictObject({ lr: z.number(), mom: z.number(), sqrMom: z.number(), eps: z.number(), wd: z.number() }),
  params: z.record(z.string(), z.record(z.string(), finiteValues(typed(Float32Array), 'moments'))),
});
const modelSchema = z
  .strictObject({ params: z.record(z.string(), paramSchema), optimizer: optimizerSchema.nullable() })
  .superRefine((m, ctx) => {
    // Each moment buffer belongs to a saved parameter and has one value per parameter value.
    for (const [name, buffers] of Object.entries(m.optimizer?.params ?? {})) {
      const param = m.params[name];
      for (const [buffer, values] of Object.entries(buffers)) {
        if (!param || values.length !== param.data.length) {
          const wanted = param ? `${param.data.length} values, one per value of ${name}` : `a parameter ${name}, and there is none`;
          ctx.addIssue({ code: 'custom', message: `has ${values.length} values; it needs ${wanted}`, path: ['optimizer', 'params', name, buffer] });
        }
      }
    }
  });
const metricsSchema = z.strictObject({
  epoch: z.number().int().nonnegative(),
  trainRmse: z.number(),
  trainMae: z.number(),
  validRmse: z.number().nullable(),
  validMae: z.number().nullable(),
  lr: z.number(),
  seconds: z.number().nonnegative(),
});

const bodySchema = z.strictObject({
  name: text,
  source: z.discriminatedUnion('kind', [
    z.strictObject({ kind: z.literal('embedded'), dataset: datasetSchema }),
    z.strictObject({
      kind: z.literal('file'),
      path: z.string().min(1).max(4096),
      bytes: z.number().nonnegative(),
      mtimeMs: z.number(),
      importOptions: storedImportOptionsSchema,
      validPath: z.string().min(1).max(4096).optional(),
    }),
    z.strictObject({ kind: z.literal('generated'), spec: plantedSpecSchema }),
  ]),
  config: z.record(z.string(), z.unknown()).nullable(),
  model: modelSchema.nullable(),
  history: z.array(metricsSchema),
  state: z.unknown().optional(),
  features: storedFeaturesSchema.optional(),
});
/** body.runs, read apart from the body: its parameters are blob references into runBlobs, not lowered at open. */
const runsSchema = z.array(z.strictObject({ meta: z.unknown(), params: z.unknown().nullable() })).max(MAX_STORED_RUNS);

/** Writes the project atomically; an existing file is replaced only with `overwrite` (atomic-write.ts). */
export async function saveProject(path: string, project: CollabProject, options: WriteOptions = {}): Promise<void> {
  await writeFileAtomic(path, encodeProject(project, null), options);
}

/** Reads the header and the sheet's blobs only; the runs' parameters are read when asked for. */
export async function openProject(path: string): Promise<OpenedProject> {
  let bytes: Buffer;
  try {
    bytes = await readMainPart(path);
  } catch (e) {
    if (e instanceof UnreadableFileError) throw new ProjectFileError(path, e.problem);
    throw e;
  }
  return decodeProject(path, bytes).project;
}

/**
 * The file up to the end of the sheet's blobs: the whole of a version 1 file, and of one whose
 * header cannot be read alone (decodeProject names what is wrong with it then).
 */
async function readMainPart(path: string): Promise<Buffer> {
  const whole = () => readRegularFile(path, MAX_PROJECT_BYTES, 'a project');
  const at = await readHeaderAt(path).catch(() => null);
  if (at?.header.mainBytes === undefined) return whole();
  const fh = await openRegularFile(path);
  try {
    const size = (await fh.stat()).size;
    // A cut file is named at open, not when a run is: its runs' section is not read, only measured.
    const end = at.blobStart + (at.header.runBlobs ?? []).flat().reduce((most, b) => Math.max(most, b.offset + b.byteLength), at.header.mainBytes);
    if (size < end) throw new ProjectFileError(path, `is damaged: it ends after ${size} bytes, ${end - size} bytes short (an interrupted copy?)`);
    const bytes = Buffer.alloc(Math.min(at.blobStart + at.header.mainBytes, MAX_PROJECT_BYTES));
    await fh.read(bytes, 0, bytes.length, 0);
    return bytes;
  } finally {
    await fh.close();
  }
}

/** The parts of a project file, ready to be written in order. */
export function encodeProject(project: CollabProject, autosaveOf: string | null): Uint8Array[] {
  const { runs = [], ...sheet } = project;
  const { json, blobs: mainBlobs } = liftBlobs(sheet);
  const lifted = runs.map((r) => liftBlobs(r.params));
  const blobs = [...mainBlobs, ...lifted.flatMap((l) => l.blobs)];
  const entries: Header['blobs'] = [];
  let offset = 0;
  let mainBytes = 0;
  for (const [i, b] of blobs.entries()) {
    const bytes = blobBytes(b);
    entries.push({ offset, byteLength: bytes.byteLength, crc32: crc32(bytes) });
    if (i === mainBlobs.length - 1) mainBytes = offset + bytes.byteLength; // where the sheet's last blob ends, before any padding
    offset = align8(offset + bytes.byteLength);
  }
  const runBlobs: BlobEntry[][] = [];
  let next = mainBlobs.length;
  for (const l of lifted) {
    runBlobs.push(entries.slice(next, next + l.blobs.length));
    next += l.blobs.length;
  }
  const body = { ...(json as object), runs: runs.map((r, i) => ({ meta: r.meta, params: r.params ? lifted[i].json : null })) };
  const header: Header = { app: 'CollabSheet', savedAt: new Date().toISOString(), autosaveOf, body, blobs: entries.slice(0, mainBlobs.length), mainBytes, runBlobs };
  const headerText = JSON.stringify(header);
  const headerBytes = Buffer.from(headerText + ' '.repeat(align8(PREFIX_BYTES + Buffer.byteLength(headerText)) - PREFIX_BYTES - Buffer.byteLength(headerText)));
  const prefix = Buffer.alloc(PREFIX_BYTES);
  MAGIC.copy(prefix, 0);
  prefix.writeUInt32LE(PROJECT_FORMAT_VERSION, 8);
  prefix.writeUInt32LE(headerBytes.length, 12);
  prefix.writeUInt32LE(crc32(headerBytes), 16);
  const parts: Uint8Array[] = [prefix, headerBytes];
  let written = 0;
  for (const [i, b] of blobs.entries()) {
    const pad = entries[i].offset - written;
    if (pad > 0) parts.push(new Uint8Array(pad));
    const bytes = blobBytes(b);
    parts.push(bytes);
    written = entries[i].offset + bytes.byteLength;
  }
  return parts;
}

/** `bytes` holds the file from its start, at least up to the end of the sheet's blobs. */
export function decodeProject(path: string, bytes: Buffer): { project: OpenedProject; header: Omit<Header, 'body'> } {
  const header = readHeader(path, bytes);
  const blobStart = PREFIX_BYTES + bytes.readUInt32LE(12);
  const { runs: rawRuns, ...rawBody } = (header.body ?? {}) as { runs?: unknown };
  const body = lowerBlobs(rawBody, blobReader(path, bytes, blobStart, header.blobs, ''));
  const runs = runsSchema.safeParse(rawRuns ?? []);
  if (!runs.success) throw new ProjectFileError(path, `is not a valid project (runs: ${runs.error.issues[0].message})`);
  const parsed = bodySchema.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ProjectFileError(path, `is not a valid project (${issue.path.join('.') || 'body'}: ${issue.message})`);
  }
  // The parsed body, not the raw one: the schemas above are the whole of what a project may hold.
  const project = parsed.data as CollabProject;
  const featureProblem = project.features ? featuresProblem(project.features) : null;
  if (featureProblem) throw new ProjectFileError(path, `is not a valid project (${featureProblem})`);
  if (project.source.kind === 'embedded') {
    const d = project.source.dataset;
    checkDataset(path, d);
    // JSON has no undefined: untitled items came back as null.
    if (d.itemTitles) d.itemTitles = d.itemTitles.map((t) => t ?? undefined);
    if (d.itemGenres) d.itemGenres = d.itemGenres.map((g) => g ?? undefined);
  }
  const opened: OpenedProject = {
    ...project,
    runs: runs.data.map((r, i) => ({ meta: r.meta, params: r.params === null ? null : lazyModel(path, bytes, blobStart, header.runBlobs?.[i] ?? [], r.params, i) })),
  };
  const { body: _, ...rest } = header;
  return { project: opened, header: rest };
}

/** The typed array a blob reference names, checked: in the bytes, its checksum, its length. */
function blobReader(path: string, bytes: Buffer, blobStart: number, blobs: BlobEntry[], what: string) {
  return (ref: BlobRef) => {
    const entry = blobs[ref.$blob];
    if (!entry) throw new ProjectFileError(path, `is damaged (${what}array ${ref.$blob} is missing)`);
    const start = blobStart + entry.offset;
    if (start + entry.byteLength > bytes.length) {
      throw new ProjectFileError(path, `is damaged: it ends after ${bytes.length} bytes, ${start + entry.byteLength - bytes.length} bytes short (an interrupted copy?)`);
    }
    const slice = bytes.subarray(start, start + entry.byteLength);
    if (crc32(slice) !== entry.crc32) throw new ProjectFileError(path, `is damaged (checksum mismatch in ${what}array ${ref.$blob})`);
    if (!Number.isSafeInteger(ref.length) || ref.length * blobElementBytes(ref.kind) !== entry.byteLength) {
      throw new ProjectFileError(path, `is damaged (${what}array ${ref.$blob} claims ${ref.length} values in ${entry.byteLength} bytes)`);
    }
    return typedView(ref.kind, slice, ref.length);
  };
}

/**
 * Run `n`'s parameters where they lie in the file (or in `bytes`, where those hold them): read
 * when the run is opened, checked like the sheet's own, and refused in words if the file changed.
 */
function lazyModel(path: string, bytes: Buffer, blobStart: number, blobs: BlobEntry[], json: unknown, n: number): LazyModel {
  const end = blobs.reduce((most, b) => Math.max(most, b.offset + b.byteLength), 0);
  const first = blobs.reduce((least, b) => Math.min(least, b.offset), end);
  return {
    bytes: end - first,
    load: async () => {
      let source = bytes;
      let base = blobStart;
      if (blobStart + end > bytes.length) {
        const fh = await openRegularFile(path).catch((e: unknown) => {
          throw e instanceof UnreadableFileError ? new ProjectFileError(path, `${e.problem}: run ${n + 1}'s factors are read from it`) : e;
        });
        try {
          source = Buffer.alloc(end - first);
          const { bytesRead } = await fh.read(source, 0, source.length, blobStart + first);
          source = source.subarray(0, bytesRead);
          base = -first;
        } finally {
          await fh.close();
        }
      }
      const model = modelSchema.safeParse(lowerBlobs(json, blobReader(path, source, base, blobs, `run ${n + 1}'s `)));
      if (!model.success) {
        const issue = model.error.issues[0];
        throw new ProjectFileError(path, `is not a valid project (run ${n + 1}'s factors, ${issue.path.join('.')}: ${issue.message})`);
      }
      return model.data as ModelParams;
    },
  };
}

function readHeader(path: string, bytes: Buffer): Header {
  if (bytes.length < PREFIX_BYTES || !bytes.subarray(0, MAGIC.length).equals(MAGIC)) {
    throw new ProjectFileError(path, bytes.length === 0 ? 'the file is empty (not a CollabSheet project)' : 'not a CollabSheet project');
  }
  const version = bytes.readUInt32LE(8);
  if (version > PROJECT_FORMAT_VERSION) {
    throw new ProjectFileError(path, `was saved by a newer CollabSheet (project format ${version}; this version reads up to ${PROJECT_FORMAT_VERSION}): update CollabSheet to open it`);
  }
  if (version < 1) throw new ProjectFileError(path, `is damaged (format version ${version})`);
  const length = bytes.readUInt32LE(12);
  if (PREFIX_BYTES + length > bytes.length) throw new ProjectFileError(path, 'is damaged: the file is cut short (an interrupted copy?)');
  const headerBytes = bytes.subarray(PREFIX_BYTES, PREFIX_BYTES + length);
  if (crc32(headerBytes) !== bytes.readUInt32LE(16)) throw new ProjectFileError(path, 'is damaged (header checksum mismatch)');
  let json: unknown;
  try {
    json = JSON.parse(headerBytes.toString('utf8'));
  } catch {
    throw new ProjectFileError(path, 'is damaged (its header is not valid JSON)');
  }
  const parsed = headerSchema.safeParse(json);
  if (!parsed.success) throw new ProjectFileError(path, `is damaged (header: ${parsed.error.issues[0].message})`);
  return parsed.data;
}

/**
 * What the schema cannot say alone: arrays of one length, codes in range, ids each once, ratings
 * that are numbers a float32 holds. A file that passes its checksums but lies would crash training.
 */
function checkDataset(path: string, d: RatingsDataset): void {
  const invalid = (problem: string) => new ProjectFileError(path, `is not a valid project (${problem})`);
  const n = d.ratings.length;
  if (d.users.length !== n || d.items.length !== n || (d.timestamps && d.timestamps.length !== n)) {
    throw invalid(`its rating arrays differ in length: ${d.users.length} users, ${d.items.length} items, ${n} ratings${d.timestamps ? `, ${d.timestamps.length} timestamps` : ''}`);
  }
  const nu = d.userIds.length;
  const ni = d.itemIds.length;
  if (d.itemTitles && d.itemTitles.length !== ni) throw invalid(`it has ${d.itemTitles.length} titles for ${ni} items`);
  if (d.itemGenres && d.itemGenres.length !== ni) throw invalid(`it has ${d.itemGenres.length} genre lists for ${ni} items`);
  for (const [ids, what] of [[d.userIds, 'user'], [d.itemIds, 'item']] as const) {
    const seen = new Set<string>();
    for (const id of ids) {
      if (seen.has(id)) throw invalid(`${what} id "${id.slice(0, 80)}" appears twice`);
      seen.add(id);
    }
  }
  for (let i = 0; i < n; i++) {
    if (d.users[i] < 0 || d.users[i] >= nu || d.items[i] < 0 || d.items[i] >= ni) {
      throw invalid(`rating ${i} names a user or item that does not exist`);
    }
    const problem = ratingValueProblem(d.ratings[i]);
    if (problem) throw invalid(`its rating number ${i + 1}, ${d.ratings[i]}, ${problem}`);
  }
}

const align8 = (n: number) => (n + 7) & ~7;
const blobBytes = (a: AnyTypedArray) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);

/* ---------- Autosave and recovery ---------- */

export interface RecoveryEntry {
  /** The autosave file. */
  path: string;
  /** The project it shadows, or null for one never saved. */
  autosaveOf: string | null;
  name: string;
  savedAt: string;
}

/**
 * Where the autosave of a project lives: in the app's recovery folder (not beside the user's
 * file, which would litter their folders), named by a hash of the project path, or by a session
 * id for a project never saved.
 */
export function autosavePathFor(recoveryDir: string, projectPath: string | null, sessionId: string): string {
  const key = projectPath ? createHash('sha256').update(projectPath).digest('hex').slice(0, 16) : `untitled-${sessionId}`;
  return join(recoveryDir, `${key}${PROJECT_EXTENSION}`);
}

/** Writes the autosave (atomically, like a save); returns its path. */
export async function autosave(recoveryDir: string, projectPath: string | null, sessionId: string, project: CollabProject): Promise<string> {
  const path = autosavePathFor(recoveryDir, projectPath, sessionId);
  await writeFileAtomic(path, encodeProject(project, projectPath), { overwrite: true }); // our own copy, replaced at each autosave
  return path;
}

/**
 * Autosaves worth offering after a crash: untitled ones, and those newer than the project file
 * they shadow. A clean save or exit deletes the autosave (discardAutosave), so anything left here
 * was interrupted. Unreadable leftovers are skipped, not fatal.
 */
export async function findRecoverable(recoveryDir: string): Promise<RecoveryEntry[]> {
  let names: string[];
  try {
    names = (await readdir(recoveryDir)).filter((n) => n.endsWith(PROJECT_EXTENSION) && !n.startsWith('.'));
  } catch {
    return [];
  }
  const found: RecoveryEntry[] = [];
  for (const name of names) {
    const path = join(recoveryDir, name);
    try {
      const header = await readHeaderOnly(path);
      if (header.autosaveOf) {
        const project = await stat(header.autosaveOf).catch(() => null);
        if (project && project.mtime.toISOString() >= header.savedAt) continue;
      }
      const body = header.body as { name?: unknown };
      found.push({ path, autosaveOf: header.autosaveOf, name: typeof body.name === 'string' ? body.name : basename(path), savedAt: header.savedAt });
    } catch {
      continue;
    }
  }
  return found.sort((a, b) => b.savedAt.localeCompare(a.savedAt));
}

export async function discardAutosave(path: string): Promise<void> {
  await rm(path, { force: true });
}

async function readHeaderOnly(path: string): Promise<Header> {
  return (await readHeaderAt(path)).header;
}

/** The header and where the blobs start, reading no more of the file than the header. */
async function readHeaderAt(path: string): Promise<{ header: Header; blobStart: number }> {
  const fh = await openRegularFile(path);
  try {
    const prefix = Buffer.alloc(PREFIX_BYTES);
    await fh.read(prefix, 0, PREFIX_BYTES, 0);
    const length = prefix.readUInt32LE(12);
    // Allocate what the file holds, never what it claims.
    if (length > (await fh.stat()).size - PREFIX_BYTES) throw new ProjectFileError(path, 'the header is longer than the file: damaged or not a project');
    const all = Buffer.alloc(PREFIX_BYTES + length);
    prefix.copy(all);
    await fh.read(all, PREFIX_BYTES, length, PREFIX_BYTES);
    return { header: readHeader(path, all), blobStart: PREFIX_BYTES + length };
  } finally {
    await fh.close();
  }
}

/** The runs of the project at `path`, their parameters left in the file (after a save: where they now are). */
export async function openProjectRuns(path: string): Promise<OpenedProject['runs']> {
  const { header, blobStart } = await readHeaderAt(path);
  const runs = runsSchema.safeParse((header.body as { runs?: unknown } | null)?.runs ?? []);
  if (!runs.success) throw new ProjectFileError(path, `is not a valid project (runs: ${runs.error.issues[0].message})`);
  return runs.data.map((r, i) => ({ meta: r.meta, params: r.params === null ? null : lazyModel(path, Buffer.alloc(0), blobStart, header.runBlobs?.[i] ?? [], r.params, i) }));
}
