/**
 * The generator's own pseudo-random source: sfc32 (Chris Doty-Humphrey's Small Fast Chaotic PRNG,
 * 128 bits of state, passes PractRand to 2^42+), seeded through splitmix32. The same seed gives
 * the same sequence on every platform; nothing here reads the clock or Math.random.
 */

const TWO_POW_32 = 4294967296;

function splitmix32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x9e3779b9) >>> 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
}

export class Random {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number) {
    const mix = splitmix32(seed);
    this.a = mix();
    this.b = mix();
    this.c = mix();
    this.d = mix();
    // Discard the first outputs, as sfc32's authors recommend.
    for (let index = 0; index < 12; index++) this.nextUint32();
  }

  /** A uniform 32-bit unsigned integer. */
  nextUint32(): number {
    const a = this.a;
    const b = this.b;
    const c = this.c;
    const d = this.d;
    const t = (((a + b) | 0) + d) | 0;
    this.d = (d + 1) | 0;
    this.a = b ^ (b >>> 9);
    this.b = (c + (c << 3)) | 0;
    const rotated = (c << 21) | (c >>> 11);
    this.c = (rotated + t) | 0;
    return t >>> 0;
  }

  /** Uniform in [0, 1) with 32 bits of precision. */
  nextDouble(): number {
    return this.nextUint32() / TWO_POW_32;
  }

  /** Uniform integer in [0, bound) for 0 < bound <= 2^32 (Lemire's multiply-high, bias < 2^-32 * bound). */
  nextInt(bound: number): number {
    return Math.floor((this.nextUint32() * bound) / TWO_POW_32);
  }

  /** Uniform integer in [0, bound) for bounds up to 2^53 (53 random bits). */
  nextLong(bound: number): number {
    if (bound <= TWO_POW_32) return this.nextInt(bound);
    const high = this.nextUint32() >>> 11; // 21 bits
    const low = this.nextUint32(); // 32 bits
    return Math.floor(((high * TWO_POW_32 + low) / 9007199254740992) * bound);
  }
}
