import { uniformFloat64 } from "pure-rand/distribution/uniformFloat64";
import { xoroshiro128plus } from "pure-rand/generator/xoroshiro128plus";
import type { RandomGenerator } from "pure-rand/types/RandomGenerator";

/** Means above this are drawn as a sum of smaller Poisson draws, so exp(-mean) never underflows. */
const MAX_DIRECT_POISSON_MEAN = 30;

/**
 * Seeded sampler for the demo data, backed by pure-rand's xoroshiro128+.
 * The instance is stateful. Each draw advances the generator, so the same seed and the same
 * sequence of calls return the same values.
 */
export class DemoRandom {
  private readonly generator: RandomGenerator;
  private spareNormal: number | null = null;

  /** Only the low 32 bits of `seed` count, because pure-rand 8 xoroshiro128plus takes `seed | 0`. */
  constructor(seed: number) {
    this.generator = xoroshiro128plus(seed);
  }

  /** Returns a uniform value in [0, 1). */
  uniform(): number {
    return uniformFloat64(this.generator);
  }

  /** Returns true with probability `probability`. */
  chance(probability: number): boolean {
    return this.uniform() < probability;
  }

  /** Returns a standard normal value (Box-Muller transform, which yields two values per pair of uniforms). */
  normal(): number {
    if (this.spareNormal !== null) {
      const value = this.spareNormal;
      this.spareNormal = null;
      return value;
    }
    // 1 - uniform() lies in (0, 1], so the logarithm stays finite.
    const radius = Math.sqrt(-2 * Math.log(1 - this.uniform()));
    const angle = 2 * Math.PI * this.uniform();
    this.spareNormal = radius * Math.sin(angle);
    return radius * Math.cos(angle);
  }

  /** Returns a lognormal value: `median * exp(sigma * Z)` with Z standard normal. */
  logNormal(median: number, sigma: number): number {
    return median * Math.exp(sigma * this.normal());
  }

  /**
   * Returns a Poisson count with the given mean (Knuth's multiplication method).
   * Larger means are split into parts, because a sum of independent Poisson counts is Poisson
   * with the summed mean. The cost grows linearly with the mean.
   */
  poisson(mean: number): number {
    if (!(mean > 0)) {
      return 0;
    }
    let remainingMean = mean;
    let count = 0;
    while (remainingMean > 0) {
      const partMean = Math.min(remainingMean, MAX_DIRECT_POISSON_MEAN);
      remainingMean -= partMean;
      const limit = Math.exp(-partMean);
      let product = this.uniform();
      while (product > limit) {
        count += 1;
        product *= this.uniform();
      }
    }
    return count;
  }
}
