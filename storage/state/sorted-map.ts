/**
 * An ordered map from strings to values: a hash map for point reads plus the keys in sorted
 * chunks (a "sorted list of lists", as Python's sortedcontainers) for ordered scans. Point reads
 * are O(1); inserting a new key or deleting one moves at most one chunk (<= 2 * LOAD entries).
 *
 * The order is kept lazily: a new key only joins a set of unindexed keys (one more hash
 * operation), and the next ordered scan sorts those and merges them in. Write-only phases (an
 * aggregate's puts between two commits) never pay for ordering.
 *
 * Keys are byte strings as latin1 (one char per byte), so string order (UTF-16 code units, all
 * < 256) is byte order. Iterators survive writes made while they are open: after a write they
 * re-seek just past the last key they returned.
 */

const LOAD = 256;

export interface StringBounds {
  gte?: string;
  gt?: string;
  lte?: string;
  lt?: string;
  reverse?: boolean;
}

export class SortedStringMap<V> {
  private readonly map = new Map<string, V>();
  private chunks: string[][] = [];
  /** The last (largest) key of each chunk. */
  private maxes: string[] = [];
  /** Bumped whenever a key is inserted or removed (not when a value is replaced). */
  private version = 0;
  /** Keys in the map but not yet in the chunks. */
  private unindexed = new Set<string>();

  get size(): number {
    return this.map.size;
  }

  get(key: string): V | undefined {
    return this.map.get(key);
  }

  has(key: string): boolean {
    return this.map.has(key);
  }

  /** Sets the value; returns true when the key is new. */
  set(key: string, value: V): boolean {
    const map = this.map;
    if (map.has(key)) {
      map.set(key, value);
      return false;
    }
    map.set(key, value);
    this.unindexed.add(key);
    this.version++;
    return true;
  }

  delete(key: string): boolean {
    if (!this.map.delete(key)) return false;
    this.version++;
    if (!this.unindexed.delete(key)) this.removeKey(key);
    return true;
  }

  clear(): void {
    this.map.clear();
    this.chunks = [];
    this.maxes = [];
    this.unindexed.clear();
    this.version++;
  }

  /** Puts the unindexed keys in order: one by one when few, else by sorting and merging. */
  private index(): void {
    const pending = this.unindexed;
    if (pending.size === 0) return;
    this.unindexed = new Set();
    const indexed = this.map.size - pending.size;
    if (pending.size * 16 < indexed) {
      for (const key of pending) this.insertKey(key);
      return;
    }
    const fresh = [...pending].sort();
    const merged: string[] = new Array(this.map.size);
    let out = 0;
    let next = 0;
    for (const chunk of this.chunks) {
      for (const key of chunk) {
        while (next < fresh.length && fresh[next]! < key) merged[out++] = fresh[next++]!;
        merged[out++] = key;
      }
    }
    while (next < fresh.length) merged[out++] = fresh[next++]!;
    const chunks: string[][] = [];
    const maxes: string[] = [];
    for (let start = 0; start < merged.length; start += LOAD) {
      const chunk = merged.slice(start, start + LOAD);
      chunks.push(chunk);
      maxes.push(chunk[chunk.length - 1]!);
    }
    this.chunks = chunks;
    this.maxes = maxes;
  }

  /** Values in no particular order (fast). */
  values(): IterableIterator<V> {
    return this.map.values();
  }

  /** The index of the first chunk whose max is >= key (maxes.length when none). */
  private chunkFor(key: string): number {
    const maxes = this.maxes;
    let low = 0;
    let high = maxes.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (maxes[middle]! < key) low = middle + 1;
      else high = middle;
    }
    return low;
  }

  private insertKey(key: string): void {
    const chunks = this.chunks;
    if (chunks.length === 0) {
      chunks.push([key]);
      this.maxes.push(key);
      return;
    }
    let chunkIndex = this.chunkFor(key);
    if (chunkIndex === chunks.length) {
      chunkIndex--;
      chunks[chunkIndex]!.push(key);
      this.maxes[chunkIndex] = key;
    } else {
      const chunk = chunks[chunkIndex]!;
      chunk.splice(lowerBound(chunk, key), 0, key);
    }
    const chunk = chunks[chunkIndex]!;
    if (chunk.length > LOAD * 2) {
      const tail = chunk.splice(LOAD);
      chunks.splice(chunkIndex + 1, 0, tail);
      this.maxes.splice(chunkIndex, 1, chunk[chunk.length - 1]!, tail[tail.length - 1]!);
    }
  }

  private removeKey(key: string): void {
    const chunkIndex = this.chunkFor(key);
    const chunk = this.chunks[chunkIndex]!;
    const index = lowerBound(chunk, key);
    chunk.splice(index, 1);
    if (chunk.length === 0) {
      this.chunks.splice(chunkIndex, 1);
      this.maxes.splice(chunkIndex, 1);
    } else {
      if (index === chunk.length) this.maxes[chunkIndex] = chunk[chunk.length - 1]!;
      // Merge small neighbours so the chunk count stays proportional to the size.
      if (chunk.length < LOAD / 2 && this.chunks.length > 1) {
        const left = chunkIndex > 0 ? chunkIndex - 1 : chunkIndex;
        const merged = this.chunks[left]!.concat(this.chunks[left + 1]!);
        if (merged.length <= LOAD * 2) {
          this.chunks.splice(left, 2, merged);
          this.maxes.splice(left, 2, merged[merged.length - 1]!);
        }
      }
    }
  }

  /**
   * Position of the first key >= key (strict: > key), as [chunk, index]; [chunks.length, 0]
   * when there is none.
   */
  private seekForward(key: string, strict: boolean): [number, number] {
    const maxes = this.maxes;
    let low = 0;
    let high = maxes.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (strict ? maxes[middle]! <= key : maxes[middle]! < key) low = middle + 1;
      else high = middle;
    }
    if (low === maxes.length) return [low, 0];
    const chunk = this.chunks[low]!;
    return [low, strict ? upperBound(chunk, key) : lowerBound(chunk, key)];
  }

  /** Position of the last key <= key (strict: < key); [-1, 0] when there is none. */
  private seekBackward(key: string, strict: boolean): [number, number] {
    const [chunkIndex, index] = this.seekForward(key, !strict);
    // seekForward(key, !strict) is the first key beyond the wanted range: step back once.
    return this.previous(chunkIndex, index);
  }

  private previous(chunkIndex: number, index: number): [number, number] {
    if (index > 0) return [chunkIndex, index - 1];
    if (chunkIndex === 0) return [-1, 0];
    const chunk = this.chunks[chunkIndex - 1]!;
    return [chunkIndex - 1, chunk.length - 1];
  }

  /** Entries in key order (or reverse) within the bounds. */
  *entries(bounds: StringBounds = {}): Generator<[string, V]> {
    this.index();
    const reverse = bounds.reverse === true;
    let chunkIndex: number;
    let index: number;
    if (!reverse) {
      if (bounds.gt !== undefined) [chunkIndex, index] = this.seekForward(bounds.gt, true);
      else if (bounds.gte !== undefined) [chunkIndex, index] = this.seekForward(bounds.gte, false);
      else [chunkIndex, index] = [0, 0];
    } else if (bounds.lt !== undefined) [chunkIndex, index] = this.seekBackward(bounds.lt, true);
    else if (bounds.lte !== undefined) [chunkIndex, index] = this.seekBackward(bounds.lte, false);
    else [chunkIndex, index] = this.chunks.length === 0 ? [-1, 0] : [this.chunks.length - 1, this.chunks[this.chunks.length - 1]!.length - 1];
    let version = this.version;
    for (;;) {
      let key: string;
      if (!reverse) {
        if (chunkIndex >= this.chunks.length) return;
        const chunk = this.chunks[chunkIndex]!;
        if (index >= chunk.length) {
          chunkIndex++;
          index = 0;
          continue;
        }
        key = chunk[index]!;
        if (bounds.lt !== undefined ? key >= bounds.lt : bounds.lte !== undefined && key > bounds.lte) return;
      } else {
        if (chunkIndex < 0) return;
        key = this.chunks[chunkIndex]![index]!;
        if (bounds.gt !== undefined ? key <= bounds.gt : bounds.gte !== undefined && key < bounds.gte) return;
      }
      yield [key, this.map.get(key)!];
      if (version !== this.version) {
        // The map changed while the caller held the entry: continue just past that key.
        this.index();
        version = this.version;
        [chunkIndex, index] = reverse ? this.seekBackward(key, true) : this.seekForward(key, true);
      } else if (!reverse) index++;
      else [chunkIndex, index] = this.previous(chunkIndex, index);
    }
  }

  /** Checks the internal invariants (tests). */
  checkInvariants(): void {
    this.index();
    let previous: string | undefined;
    let count = 0;
    this.chunks.forEach((chunk, chunkIndex) => {
      if (chunk.length === 0) throw new Error(`chunk ${chunkIndex} is empty`);
      if (this.maxes[chunkIndex] !== chunk[chunk.length - 1]) throw new Error(`max of chunk ${chunkIndex} is wrong`);
      for (const key of chunk) {
        if (previous !== undefined && !(previous < key)) throw new Error(`keys out of order: ${JSON.stringify(previous)} then ${JSON.stringify(key)}`);
        if (!this.map.has(key)) throw new Error(`key ${JSON.stringify(key)} is in the order but not the map`);
        previous = key;
        count++;
      }
    });
    if (count !== this.map.size) throw new Error(`order has ${count} keys, map ${this.map.size}`);
  }
}

function lowerBound(keys: readonly string[], key: string): number {
  let low = 0;
  let high = keys.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (keys[middle]! < key) low = middle + 1;
    else high = middle;
  }
  return low;
}

function upperBound(keys: readonly string[], key: string): number {
  let low = 0;
  let high = keys.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (keys[middle]! <= key) low = middle + 1;
    else high = middle;
  }
  return low;
}
