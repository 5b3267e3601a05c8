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
}

/**
 * The dense vectors of an open index, one float32 row a chunk in a single block of memory, normalised on
 * the way in so that cosine similarity is a dot product. A query scans every row with a SIMD kernel
 * (the index is small enough that exact search beats an approximate structure's upkeep on every save).
 *
 * Rows live in WebAssembly memory rather than as JavaScript arrays: 768 numbers as a JS array take
 * 6 KiB and are traced by the garbage collector; here they take 3 KiB and are invisible to it.
 */
export class VectorTable {
  private readonly kernel: Kernel;
  /** Floats a row: dims rounded up to the kernel's 8 lanes, the padding zero. */
  private readonly stride: number;
  private readonly slotOf = new Map<string, number>();
  private readonly idAt: (string | undefined)[] = [];
  private readonly free: number[] = [];
  private capacity = 0;

  constructor(readonly dims: number) {
    if (!Number.isInteger(dims) || dims <= 0) throw new Error(`Vector length must be a positive integer, not ${dims}.`);
    this.stride = Math.ceil(dims / 8) * 8;
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
      if (slot >= this.capacity) this.grow(slot + 1);
      this.slotOf.set(id, slot);
      this.idAt[slot] = id;
    }
    let sum = 0;
    for (let i = 0; i < vector.length; i++) sum += vector[i] * vector[i];
    const scale = sum > 0 ? 1 / Math.sqrt(sum) : 0;
    const row = this.row(slot);
    for (let i = 0; i < this.dims; i++) row[i] = vector[i] * scale;
    row.fill(0, this.dims);
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
    this.free.push(slot);
  }

  /** The `k` most similar vectors by cosine similarity, best first; `accept` filters by id. */
  search(query: ArrayLike<number>, k: number, accept?: (id: string) => boolean): VectorHit[] {
    const n = this.idAt.length;
    if (query.length !== this.dims) throw new Error(`A query vector of length ${query.length} does not fit an index of ${this.dims}-dimension vectors.`);
    if (n === 0 || k <= 0) return [];
    const rowBytes = this.stride * 4;
    // Memory: [query row][rows 0..capacity)[scores], so that growing the rows never moves the query.
    const scoresAt = rowBytes * (1 + this.capacity);
    this.ensureBytes(scoresAt + n * 4);
    const q = new Float32Array(this.kernel.memory.buffer, 0, this.stride);
    let sum = 0;
    for (let i = 0; i < query.length; i++) sum += query[i] * query[i];
    const scale = sum > 0 ? 1 / Math.sqrt(sum) : 0;
    for (let i = 0; i < this.dims; i++) q[i] = query[i] * scale;
    q.fill(0, this.dims);
    this.kernel.scan(0, rowBytes, n, this.stride, scoresAt);
    const scores = new Float32Array(this.kernel.memory.buffer, scoresAt, n);
    return topK(scores, this.idAt, k, accept);
  }

  private row(slot: number): Float32Array {
    return new Float32Array(this.kernel.memory.buffer, (1 + slot) * this.stride * 4, this.stride);
  }

  private grow(minSlots: number): void {
    // Growing by half keeps the number of grows logarithmic; memory.grow keeps the contents.
    const slots = Math.max(minSlots, Math.ceil(this.capacity * 1.5), 1024);
    this.ensureBytes((1 + slots) * this.stride * 4);
    this.capacity = slots;
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
