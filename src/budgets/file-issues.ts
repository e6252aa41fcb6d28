/** Formats zod issues of the budgets file as `budgets[2].target: must be > 0 and < 1 (got 1)`. */
import type { z } from "zod";

/** Formats an issue path as `budgets[2].overrides[0].target`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let text = "";
  for (const part of path) {
    if (typeof part === "number") {
      text += `[${part}]`;
    } else if (typeof part === "string" && /^[A-Za-z_][A-Za-z0-9_]*$/.test(part)) {
      text += text === "" ? part : `.${part}`;
    } else {
      text += `[${JSON.stringify(String(part))}]`;
    }
  }
  return text === "" ? "(document)" : text;
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let current = root;
  for (const part of path) {
    if (current === null || typeof current !== "object") {
      return undefined;
    }
    current = (current as Record<PropertyKey, unknown>)[part];
  }
  return current;
}

function show(value: unknown): string {
  const text = JSON.stringify(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/**
 * Describes each issue with its key path, the rule and the value found. `basePath` is prepended
 * to every path, e.g. `["budgets", 2]` when a single budget was validated on its own.
 */
export function describeIssues(issues: readonly z.core.$ZodIssue[], input: unknown, basePath: readonly PropertyKey[] = []): string[] {
  return issues.map((issue) => {
    const path = [...basePath, ...issue.path];
    const where = formatPath(path);
    if (issue.code === "unrecognized_keys") {
      return `${where}: ${issue.message}`;
    }
    const value = valueAt(input, issue.path);
    if (value === undefined) {
      if (issue.message.startsWith("is required")) {
        return `${where}: ${issue.message}`;
      }
      return issue.message.startsWith("must") ? `${where}: is required and ${issue.message}` : `${where}: is required`;
    }
    return `${where}: ${issue.message} (got ${show(value)})`;
  });
}

/** Error map of a strict object: an unknown key is reported with the keys that are accepted. */
export function unknownKeyError(accepted: readonly string[]) {
  return (issue: { code?: string; keys?: string[] }) =>
    issue.code === "unrecognized_keys"
      ? `unknown key${issue.keys!.length > 1 ? "s" : ""} ${issue.keys!.map((key) => JSON.stringify(key)).join(", ")}; accepted keys are ${accepted.join(", ")}`
      : undefined;
}
