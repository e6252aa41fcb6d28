/**
 * Reads the budgets file: YAML with one budgetgate document (alerting and budgets) and any number
 * of OpenSLO SLO documents, separated by `---`. Every problem is reported with the document, the
 * key path, the rule and the value found, and the whole file is rejected.
 */
import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { parseAllDocuments } from "yaml";
import { ConfigError, describeError } from "../errors.ts";
import { DEFAULT_ALERTING, type AlertingPolicy } from "./alerts.ts";
import { budgetDocumentSchema, definitionFromInput, mergeAlerting, type BudgetDocument } from "./budget-file.ts";
import type { BudgetDefinition } from "./definitions.ts";
import { describeIssues, formatPath } from "./file-issues.ts";
import { definitionFromOpenslo, OPENSLO_API_VERSION } from "./openslo.ts";

/** The budgets file shipped with budgetgate, holding the five default budgets. */
export const DEFAULT_BUDGETS_FILE = fileURLToPath(new URL("../../config/budgets.yaml", import.meta.url));

export interface LoadedBudgets {
  file: string;
  definitions: BudgetDefinition[];
}

function isOpenslo(document: unknown): boolean {
  return typeof document === "object" && document !== null && (document as { apiVersion?: unknown }).apiVersion === OPENSLO_API_VERSION;
}

/**
 * Parses the text of a budgets file. `file` names it in messages. Throws ConfigError listing every
 * problem, one per line.
 */
export function parseBudgetsText(text: string, file: string): LoadedBudgets {
  const documents = parseAllDocuments(text);
  const problems: string[] = [];
  const values: unknown[] = [];
  documents.forEach((document, index) => {
    if (document.errors.length > 0) {
      for (const error of document.errors) {
        problems.push(`document ${index + 1}: invalid YAML: ${error.message.split("\n")[0]}`);
      }
      return;
    }
    values.push(document.toJS());
  });
  if (problems.length > 0) {
    throw new ConfigError(`invalid budgets file ${file}:\n  ${problems.join("\n  ")}`);
  }

  const single = values.length === 1;
  const prefix = (index: number) => (single ? "" : `document ${index + 1}: `);
  const native: { index: number; document: BudgetDocument }[] = [];
  values.forEach((value, index) => {
    if (value === null || value === undefined || isOpenslo(value)) {
      return;
    }
    const parsed = budgetDocumentSchema.safeParse(value);
    if (parsed.success) {
      native.push({ index, document: parsed.data });
    } else {
      problems.push(...describeIssues(parsed.error.issues, value).map((text) => prefix(index) + text));
    }
  });
  if (native.length > 1) {
    problems.push(`document ${native[1]!.index + 1}: a budgets file holds one budgetgate document; merge it into document ${native[0]!.index + 1}`);
  }

  const alerting: AlertingPolicy = mergeAlerting(DEFAULT_ALERTING, native[0]?.document.alerting);
  const definitions: { definition: BudgetDefinition; where: string }[] = [];
  for (const { index, document } of native.slice(0, 1)) {
    (document.budgets ?? []).forEach((budget, position) => {
      definitions.push({ definition: definitionFromInput(budget, alerting), where: `${prefix(index)}budgets[${position}]` });
    });
  }
  values.forEach((value, index) => {
    if (!isOpenslo(value)) {
      return;
    }
    const result = definitionFromOpenslo(value, alerting);
    if (result.ok) {
      definitions.push({ definition: result.definition, where: `document ${index + 1} (OpenSLO)` });
    } else if ("issues" in result) {
      problems.push(...describeIssues(result.issues, value).map((text) => `document ${index + 1} (OpenSLO): ${text}`));
    } else {
      problems.push(...result.problems.map((problem) => `document ${index + 1} (OpenSLO): ${formatPath(problem.path)}: ${problem.message}`));
    }
  });

  const seen = new Map<string, string>();
  for (const { definition, where } of definitions) {
    const earlier = seen.get(definition.name);
    if (earlier !== undefined) {
      problems.push(`${where}: duplicate budget name ${JSON.stringify(definition.name)}, already defined by ${earlier}`);
    }
    seen.set(definition.name, where);
  }
  if (problems.length === 0 && definitions.length === 0) {
    problems.push("defines no budgets: add a budgets list or OpenSLO SLO documents");
  }
  if (problems.length > 0) {
    throw new ConfigError(`invalid budgets file ${file}:\n  ${problems.join("\n  ")}`);
  }
  return { file, definitions: definitions.map((entry) => entry.definition) };
}

/** Reads the text of a budgets file; `file` defaults to the shipped config/budgets.yaml. */
export async function readBudgetsText(file: string = DEFAULT_BUDGETS_FILE): Promise<string> {
  try {
    return await readFile(file, "utf8");
  } catch (error) {
    throw new ConfigError(`could not read the budgets file ${file}: ${describeError(error)}; set BUDGETGATE_BUDGETS_FILE to a readable YAML file`, {
      cause: error,
    });
  }
}

/** Reads and validates a budgets file; `file` defaults to the shipped config/budgets.yaml. */
export async function loadBudgetsFile(file: string = DEFAULT_BUDGETS_FILE): Promise<LoadedBudgets> {
  return parseBudgetsText(await readBudgetsText(file), file);
}
