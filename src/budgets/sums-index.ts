/** Rollup sums by range, vertical and tenant, with planned burns taken out per budget. */
import type { ExcludedSums, GroupSums } from "./rollup-read.ts";
import { addSums, zeroSums, type RollupSums } from "./rollup-sql.ts";
import type { RollupSpec } from "./rollup-spec.ts";

// Key of calls without a tenant. Postgres text cannot contain NUL, so no tenant id equals it.
const NO_TENANT = "\u0000";

type Nested = Map<string, Map<string, Map<string, RollupSums>>>;

function insert(target: Nested, spec: RollupSpec, group: GroupSums): void {
  let byVertical = target.get(group.rangeKey);
  if (byVertical === undefined) {
    byVertical = new Map();
    target.set(group.rangeKey, byVertical);
  }
  let byTenant = byVertical.get(group.vertical);
  if (byTenant === undefined) {
    byTenant = new Map();
    byVertical.set(group.vertical, byTenant);
  }
  const key = group.tenantId ?? NO_TENANT;
  const sums = byTenant.get(key) ?? zeroSums(spec);
  addSums(sums, group.sums);
  byTenant.set(key, sums);
}

function scopeTotal(spec: RollupSpec, byTenant: Map<string, RollupSums> | undefined, tenantId: string | null): RollupSums {
  const total = zeroSums(spec);
  if (byTenant === undefined) {
    return total;
  }
  if (tenantId !== null) {
    const sums = byTenant.get(tenantId);
    if (sums !== undefined) {
      addSums(total, sums);
    }
    return total;
  }
  for (const sums of byTenant.values()) {
    addSums(total, sums);
  }
  return total;
}

export class SumsIndex {
  readonly verticals: string[];
  readonly #spec: RollupSpec;
  readonly #gross: Nested = new Map();
  readonly #excluded = new Map<string, Nested>();

  constructor(spec: RollupSpec, gross: readonly GroupSums[], excluded: readonly ExcludedSums[]) {
    this.#spec = spec;
    for (const group of gross) {
      insert(this.#gross, spec, group);
    }
    for (const group of excluded) {
      let nested = this.#excluded.get(group.budget);
      if (nested === undefined) {
        nested = new Map();
        this.#excluded.set(group.budget, nested);
      }
      insert(nested, spec, group);
    }
    this.verticals = [...new Set(gross.map((group) => group.vertical))].sort();
  }

  /** Sums of a vertical (tenantId null) or one tenant of it in a range, less what planned burns of `budget` cover. */
  sums(rangeKey: string, budget: string, vertical: string, tenantId: string | null): RollupSums {
    const total = scopeTotal(this.#spec, this.#gross.get(rangeKey)?.get(vertical), tenantId);
    const excluded = this.#excluded.get(budget)?.get(rangeKey)?.get(vertical);
    if (excluded !== undefined) {
      addSums(total, scopeTotal(this.#spec, excluded, tenantId), -1);
    }
    return total;
  }
}
