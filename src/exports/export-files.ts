import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { type FileHandle, open, readdir, rename, rm, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { ExportFormat, Sink } from './export-row.js';

export const CONTENT_TYPES: Record<ExportFormat, string> = {
  csv: 'text/csv; charset=utf-8',
  jsonl: 'application/x-ndjson; charset=utf-8',
  parquet: 'application/vnd.apache.parquet',
};

export function exportsDir(dataDir: string): string {
  return join(resolve(dataDir), 'exports');
}

export function exportFileName(id: string, format: ExportFormat): string {
  return `${id}.${format}`;
}

export function manifestFileName(id: string): string {
  return `${id}.manifest.json`;
}

/** Every name an export's files may have: the file and its manifest, finished or ".partial". */
export function exportFileNames(id: string, format: string): string[] {
  const names = [`${id}.${format}`, manifestFileName(id)];
  return [...names, ...names.map((name) => `${name}.partial`)];
}

/** Removes whatever of an export's files exists, runs' partial files included. */
export async function removeExportFiles(dir: string, id: string, format: string): Promise<void> {
  for (const name of exportFileNames(id, format)) await rm(join(dir, name), { force: true });
  for (const file of await listExportFiles(dir)) if (file.id === id) await rm(join(dir, file.name), { force: true });
}

/** Removes the ".partial" files runs of the export left (a killed run's; a superseded one's). */
export async function removePartialFiles(dir: string, id: string): Promise<void> {
  for (const file of await listExportFiles(dir))
    if (file.id === id && file.partial) await rm(join(dir, file.name), { force: true });
}

const EXPORT_FILE =
  /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\.(?:csv|jsonl|parquet|manifest\.json)((?:\.[0-9a-f]{1,32})?\.partial)?$/;

export interface StoredExportFile {
  name: string;
  id: string;
  partial: boolean;
  modifiedAt: number;
}

/** The export files in the folder (other names are left alone); none when the folder does not exist. */
export async function listExportFiles(dir: string): Promise<StoredExportFile[]> {
  const names = await readdir(dir).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return [] as string[];
    throw error;
  });
  const files: StoredExportFile[] = [];
  for (const name of names) {
    const match = EXPORT_FILE.exec(name);
    if (!match) continue;
    const info = await stat(join(dir, name)).catch(() => null);
    if (info) files.push({ name, id: match[1], partial: match[2] !== undefined, modifiedAt: info.mtimeMs });
  }
  return files;
}

/**
 * A file written under a ".partial" name, hashed as it goes, and renamed into place only once it is
 * complete and on disk: a crash at any point leaves no file under the final name.
 */
export class AtomicFile {
  bytes = 0;
  private readonly hash = createHash('sha256');
  private finished = false;

  private constructor(
    private readonly handle: FileHandle,
    private readonly partialPath: string,
    readonly path: string,
  ) {}

  /** `run` names the partial file apart from other runs' (lowercase hex), so two writers never share one. */
  static async create(dir: string, name: string, run?: string): Promise<AtomicFile> {
    mkdirSync(dir, { recursive: true });
    const path = join(dir, name);
    if (run !== undefined && !/^[0-9a-f]{1,32}$/.test(run)) throw new RangeError('run must be lowercase hex');
    const partialPath = run === undefined ? `${path}.partial` : `${path}.${run}.partial`;
    return new AtomicFile(await open(partialPath, 'w'), partialPath, path);
  }

  /** fsync and close the partial file: its content is final; commit() then only renames it. */
  async finish(): Promise<void> {
    if (this.finished) return;
    await this.handle.sync();
    await this.handle.close();
    this.finished = true;
  }

  readonly sink: Sink = async (chunk) => {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    this.hash.update(bytes);
    this.bytes += bytes.byteLength;
    let offset = 0;
    while (offset < bytes.byteLength) offset += (await this.handle.write(bytes, offset)).bytesWritten;
  };

  /** fsync, close, rename into place, fsync the folder; returns the sha256 of the content. */
  async commit(): Promise<string> {
    await this.finish();
    await rename(this.partialPath, this.path);
    await syncDir(resolve(this.path, '..'));
    return this.hash.digest('hex');
  }

  async discard(): Promise<void> {
    if (!this.finished) await this.handle.close().catch(() => undefined);
    await rm(this.partialPath, { force: true });
  }
}

/** Writes a small file whole, atomically. */
export async function writeAtomically(dir: string, name: string, content: string, run?: string): Promise<void> {
  const file = await AtomicFile.create(dir, name, run);
  try {
    await file.sink(content);
    await file.commit();
  } catch (error) {
    await file.discard();
    throw error;
  }
}

async function syncDir(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
