import { DatabaseError, InputError } from "../errors.ts";

/** A budget computation failed; names the vertical and budget when the failure concerns one. */
export class BudgetComputationError extends DatabaseError {
  readonly vertical: string | null;
  readonly budget: string | null;

  constructor(message: string, options: { cause?: unknown; vertical?: string | null; budget?: string | null } = {}) {
    super(message, { cause: options.cause });
    this.vertical = options.vertical ?? null;
    this.budget = options.budget ?? null;
  }
}

/** No planned burn has the requested id. */
export class PlannedBurnNotFoundError extends InputError {}

/** A planned burn overlaps another one, or cannot change from its current state. */
export class PlannedBurnConflictError extends InputError {}
