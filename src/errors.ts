/** Base class of every error budgetgate raises on purpose. */
export class BudgetgateError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** A configuration value, environment variable or CLI option is invalid. */
export class ConfigError extends BudgetgateError {}

/** A database query, connection or migration failed. */
export class DatabaseError extends BudgetgateError {}

/** The policy module could not be loaded or evaluated. */
export class PolicyError extends BudgetgateError {}

/** A request, file or document given by a user is invalid. */
export class InputError extends BudgetgateError {}

/** Formats an error and its cause chain as `message: cause: cause`. */
export function describeError(error: unknown): string {
  const parts: string[] = [];
  let current: unknown = error;
  while (current !== undefined && current !== null && parts.length < 8) {
    if (current instanceof Error) {
      // Messages built as `context: cause` already hold their cause's text; skip it then.
      if (!parts.some((part) => part.includes(current instanceof Error ? current.message : ""))) {
        parts.push(current.message);
      }
      current = current.cause;
    } else {
      parts.push(String(current));
      break;
    }
  }
  return parts.join(": ");
}
