import { DOT_KERNEL_WASM_BASE64 } from './dotKernelWasm';

export interface VectorHit {
  id: string;
  score: number;
}

const PAGE = 65536;
/** wasm32 memory ends at 4 GiB. */
const MAX_PAGES = 65536;

// The project compiles against ES2022 without the DOM library, which is where TypeScript declares
// WebAssembly; Node and Electron provide it at run time. Only what is used here is declared.
declare const WebAssembly: {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: unknown };
};
interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}

interface Kernel {
  memory: WasmMemory;
  scan: (query: number, rows: number, n: number, stride: number, out: number) => void;
  scanI8: (query: number, rows: number, scales: number, n: number, stride: number, out: number) => void;
}

/** Rows a segment of memory: a segment is where rows are added, so growing never moves a row. */
const SEGMENT = 1024;
/**
 * Candidates the int8 scan keeps, as a multiple of `k`, to be rescored exactly. Chosen by recall@10
 * against the exact scan on clustered, anisotropic vectors (test/unit/vectorTable.test.ts).
 */
const OVERSAMPLE = 4;
/** Fewer candidates than this are never worth the int8 pass's approximation. */
const MIN_CANDIDATES = 64;

export interface VectorTableOptions {
  /** Candidates kept by the int8 scan, as a multiple of `k`; 0 scans the float rows only. */
  oversample?: number;
}

/**
 * The dense vectors of an open index, one float32 row a chunk, normalised on the way in so that cosine
 * similarity is a dot product. A query scans every row with a SIMD kernel (the index is small enough
 * that exact search beats an approximate structure's upkeep on every save).
 *
 * Beside each float row sits an int8 copy with one scale a row (per-row rather than per-dimension:
 * rows arrive one at a time, and a per-dimension scale would have to be fixed before the data is
 * seen). A query scans the int8 rows, a quarter of the bytes, keeps the best `k × oversample`
 * candidates and rescores them from the float rows with the float kernel, so every score returned is
 * exactly the one the float scan gives. The float rows stay in memory because the store writes
 * shards from them (`copyInto`) and rescoring from disk would cost a read a candidate.
 *
 * Rows live in WebAssembly memory rather than as JavaScript arrays: 768 numbers as a JS array take
 * 6 KiB and are traced by the garbage collector; here they take 3.75 KiB and are invisible to it.
 * Memory: [float query][int16 query] then segments of SEGMENT slots, each [float rows][int8 rows]
 * [scales], then scratch for one query's scores.
 */
export class VectorTable {
  private readonly kernel: Kernel;
  /** Floats a float row: dims rounded up to the float kernel's 8 lanes, the padding zero. */
  private readonly stride: number;
  /** Bytes an int8 row: dims rounded up to the int8 kernel's 16 lanes, the padding zero. */
  private readonly stride8: number;
  private readonly queryI16At: number;
  private readonly segmentsAt: number;
  private readonly segmentBytes: number;
  private readonly oversample: number;
  private readonly slotOf = new Map<string, number>();
  private readonly idAt: (string | undefined)[] = [];
  private readonly free: number[] = [];
  private segments = 0;

  constructor(readonly dims: number, options: VectorTableOptions = {}) {
    if (!Number.isInteger(dims) || dims <= 0) throw new Error(`Vector length must be a positive integer, not ${dims}.`);
    this.stride = Math.ceil(dims / 8) * 8;
    this.stride8 = Math.ceil(dims / 16) * 16;
    this.queryI16At = this.stride * 4;
    this.segmentsAt = this.queryI16At + this.stride8 * 2;
    this.segmentBytes = SEGMENT * (this.stride * 4 + this.stride8 + 4);
    this.oversample = options.oversample ?? OVERSAMPLE;
    this.kernel = instantiateKernel();
  }

  get size(): number {
    return this.slotOf.size;
  }

  has(id: string): boolean {
    return this.slotOf.has(id);
  }

  /** Stores (or replaces) a chunk's vector. */
  set(id: string, vector: ArrayLike<number>): void {
    if (vector.length !== this.dims) throw new Error(`A vector of length ${vector.length} does not fit an index of ${this.dims}-dimension vectors.`);
    let slot = this.slotOf.get(id);
    if (slot === undefined) {
      slot = this.free.pop() ?? this.idAt.length;
      if (slot >= this.segments * SEGMENT) this.addSegment();
      this.slotOf.set(id, slot);
      this.idAt[slot] = id;
    }
    const row = this.row(slot);
    writeUnit(vector, row, this.dims);
    this.quantise(slot, row);
  }

  /** The stored (unit-length) vector, as a copy. */
  get(id: string): Float32Array | undefined {
    const slot = this.slotOf.get(id);
    return slot === undefined ? undefined : this.row(slot).slice(0, this.dims);
  }

  /** Copies the stored vector into `target` at `offset` (in floats); false when there is none. */
  copyInto(id: string, target: Float32Array, offset: number): boolean {
    const slot = this.slotOf.get(id);
    if (slot === undefined) return false;
    target.set(this.row(slot).subarray(0, this.dims), offset);
    return true;
  }

  delete(id: string): void {
    const slot = this.slotOf.get(id);
    if (slot === undefined) return;
    this.slotOf.delete(id);
    this.idAt[slot] = undefined;
    this.row(slot).fill(0);
    this.quantise(slot, this.row(slot));
    this.free.push(slot);
  }

  /**
   * The `k` most similar vectors by cosine similarity, best first; `accept` filters by id. The int8
   * scan picks the candidates and the float rows score them: the scores are exact, and a row is missed
   * only when the int8 error pushes it below `k × oversample` others.
   */
  search(query: ArrayLike<number>, k: number, accept?: (id: string) => boolean): VectorHit[] {
    this.checkQuery(query);
    const n = this.idAt.length;
    if (n === 0 || k <= 0) return [];
    const want = Math.max(k * this.oversample, MIN_CANDIDATES);
    if (this.oversample <= 0 || want >= this.size) return this.searchExact(query, k, accept);
    this.writeQuery(query);
    const scoresAt = this.scratchAt(n + want);
    for (let s = 0; s * SEGMENT < n; s++) {
      const base = this.segmentAt(s);
      const rowsAt = base + SEGMENT * this.stride * 4;
      const count = Math.min(SEGMENT, n - s * SEGMENT);
      this.kernel.scanI8(this.queryI16At, rowsAt, rowsAt + SEGMENT * this.stride8, count, this.stride8, scoresAt + s * SEGMENT * 4);
    }
    const candidates = topK(new Float32Array(this.kernel.memory.buffer, scoresAt, n), this.idAt, want, accept);
    return this.rescore(candidates, k, scoresAt + n * 4);
  }

  /** As `search`, scoring every row from the float rows: the reference the int8 pass is measured by. */
  searchExact(query: ArrayLike<number>, k: number, accept?: (id: string) => boolean): VectorHit[] {
    this.checkQuery(query);
    const n = this.idAt.length;
    if (n === 0 || k <= 0) return [];
    this.writeQuery(query);
    const scoresAt = this.scratchAt(n);
    for (let s = 0; s * SEGMENT < n; s++) {
      this.kernel.scan(0, this.segmentAt(s), Math.min(SEGMENT, n - s * SEGMENT), this.stride, scoresAt + s * SEGMENT * 4);
    }
    return topK(new Float32Array(this.kernel.memory.buffer, scoresAt, n), this.idAt, k, accept);
  }

  /** Each candidate scored by the float kernel over its float row: the same arithmetic as the full scan. */
  private rescore(candidates: VectorHit[], k: number, outAt: number): VectorHit[] {
    const ids = candidates.map((c) => c.id);
    ids.forEach((id, i) => this.kernel.scan(0, this.rowAt(this.slotOf.get(id)!), 1, this.stride, outAt + i * 4));
    return topK(new Float32Array(this.kernel.memory.buffer, outAt, ids.length), ids, k);
  }

  private checkQuery(query: ArrayLike<number>): void {
    if (query.length !== this.dims) throw new Error(`A query vector of length ${query.length} does not fit an index of ${this.dims}-dimension vectors.`);
  }

  /** The query, unit length, as floats and as int16 scaled to the largest value the int8 sums allow. */
  private writeQuery(query: ArrayLike<number>): void {
    const q = new Float32Array(this.kernel.memory.buffer, 0, this.stride);
    writeUnit(query, q, this.dims);
    // |sum| <= stride8 × 127 × limit must stay below 2^31 whatever the values.
    const limit = Math.min(32767, Math.floor(0x7fffffff / (127 * this.stride8)));
    quantiseInto(q, new Int16Array(this.kernel.memory.buffer, this.queryI16At, this.stride8), this.dims, limit);
  }

  /** The int8 copy of a slot's float row and its scale (0 for a zero row). */
  private quantise(slot: number, row: Float32Array): void {
    const at = this.segmentAt(Math.floor(slot / SEGMENT));
    const i = slot % SEGMENT;
    const rowsAt = at + SEGMENT * this.stride * 4;
    const target = new Int8Array(this.kernel.memory.buffer, rowsAt + i * this.stride8, this.stride8);
    new Float32Array(this.kernel.memory.buffer, rowsAt + SEGMENT * this.stride8 + i * 4, 1)[0] = quantiseInto(row, target, this.dims, 127);
  }

  private segmentAt(segment: number): number {
    return this.segmentsAt + segment * this.segmentBytes;
  }

  private rowAt(slot: number): number {
    return this.segmentAt(Math.floor(slot / SEGMENT)) + (slot % SEGMENT) * this.stride * 4;
  }

  private row(slot: number): Float32Array {
    return new Float32Array(this.kernel.memory.buffer, this.rowAt(slot), this.stride);
  }

  /** Scratch after the last segment for `floats` scores. */
  private scratchAt(floats: number): number {
    const at = this.segmentAt(this.segments);
    this.ensureBytes(at + floats * 4);
    return at;
  }

  private addSegment(): void {
    // memory.grow keeps the contents; zeroed pages cost no resident memory until written.
    this.ensureBytes(this.segmentAt(this.segments + 1));
    this.segments++;
  }

  private ensureBytes(bytes: number): void {
    const have = this.kernel.memory.buffer.byteLength;
    if (bytes <= have) return;
    const pages = Math.ceil((bytes - have) / PAGE);
    if (have / PAGE + pages > MAX_PAGES) {
      throw new Error(`The index's vectors need more than 4 GiB of memory (${this.idAt.length} vectors of ${this.dims} dimensions).`);
    }
    this.kernel.memory.grow(pages);
  }
}

/** `vector` scaled to unit length into `target`, the padding after `dims` zero. */
function writeUnit(vector: ArrayLike<number>, target: Float32Array, dims: number): void {
  let sum = 0;
  for (let i = 0; i < dims; i++) sum += vector[i] * vector[i];
  const scale = sum > 0 ? 1 / Math.sqrt(sum) : 0;
  for (let i = 0; i < dims; i++) target[i] = vector[i] * scale;
  target.fill(0, dims);
}

/**
 * `source` rounded to integers in [-limit, limit] with one scale, the largest magnitude mapped to
 * `limit`; returns the scale back (value ≈ integer × scale), 0 for a zero vector.
 */
function quantiseInto(source: Float32Array, target: Int8Array | Int16Array, dims: number, limit: number): number {
  let max = 0;
  for (let i = 0; i < dims; i++) max = Math.max(max, Math.abs(source[i]));
  const toInt = max > 0 ? limit / max : 0;
  for (let i = 0; i < dims; i++) target[i] = Math.round(source[i] * toInt);
  target.fill(0, dims);
  return max > 0 ? max / limit : 0;
}

/** Best `k` live, accepted rows: a bounded min-heap, `accept` asked only of rows that would enter it. */
export function topK(scores: Float32Array, idAt: readonly (string | undefined)[], k: number, accept?: (id: string) => boolean): VectorHit[] {
  const heapScore = new Float64Array(k);
  const heapSlot = new Int32Array(k);
  let size = 0;
  for (let slot = 0; slot < scores.length; slot++) {
    const s = scores[slot];
    if (size === k && s <= heapScore[0]) continue;
    const id = idAt[slot];
    if (id === undefined || (accept && !accept(id))) continue;
    if (size < k) {
      let i = size++;
      while (i > 0) {
        const parent = (i - 1) >> 1;
        if (heapScore[parent] <= s) break;
        heapScore[i] = heapScore[parent];
        heapSlot[i] = heapSlot[parent];
        i = parent;
      }
      heapScore[i] = s;
      heapSlot[i] = slot;
    } else {
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= k) break;
        const c = l + 1 < k && heapScore[l + 1] < heapScore[l] ? l + 1 : l;
        if (heapScore[c] >= s) break;
        heapScore[i] = heapScore[c];
        heapSlot[i] = heapSlot[c];
        i = c;
      }
      heapScore[i] = s;
      heapSlot[i] = slot;
    }
  }
  const hits: VectorHit[] = [];
  for (let i = 0; i < size; i++) hits.push({ id: idAt[heapSlot[i]]!, score: heapScore[i] });
  return hits.sort((a, b) => b.score - a.score || (a.id < b.id ? -1 : 1));
}

let compiled: object | undefined;

function instantiateKernel(): Kernel {
  compiled ??= new WebAssembly.Module(Buffer.from(DOT_KERNEL_WASM_BASE64, 'base64'));
  const instance = new WebAssembly.Instance(compiled, {});
  return instance.exports as unknown as Kernel;
}
