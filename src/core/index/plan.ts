import { DiscoveredFile } from '../discovery/walk';
import { FileRecord } from '../store/records';

export interface ChangePlan {
  /** New files, and files whose size or modification time differ from what was indexed. */
  toRead: DiscoveredFile[];
  unchanged: number;
  /** Indexed files that are gone or now excluded. */
  removed: string[];
}

/** Compares what is on disk with the manifest; content hashes decide later whether a read file really changed. */
export function planChanges(onDisk: readonly DiscoveredFile[], indexed: Iterable<FileRecord>): ChangePlan {
  const known = new Map<string, FileRecord>();
  for (const r of indexed) known.set(r.path, r);
  const toRead: DiscoveredFile[] = [];
  let unchanged = 0;
  for (const f of onDisk) {
    const r = known.get(f.relPath);
    known.delete(f.relPath);
    if (r && r.size === f.size && r.mtimeMs === f.mtimeMs) unchanged++;
    else toRead.push(f);
  }
  return { toRead, unchanged, removed: [...known.keys()] };
}
