import { mkdir, readFile, readdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseAllDocuments, stringify } from "yaml";

export const K8S_FIXTURES = fileURLToPath(new URL("../fixtures/k8s/", import.meta.url));

/** Kinds that get budgetgate keys: every workload kind, and Service only from Knative. */
const LABELLED_KINDS = new Set(["Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job", "CronJob", "Pod", "Rollout"]);

export interface Labelling {
  deployType: string;
  vertical: string;
  /** Where the keys go: the object's labels, or its pod template's annotations (the object's annotations for a Pod). */
  place: "labels" | "template-annotations";
  /** A break-glass reason, set as an annotation on the object's metadata. */
  breakGlass?: string;
}

/** A manifest copy to check: the fixture it comes from, its labelling and the written file. */
export interface LabelledManifest {
  fixture: string;
  labelling: Labelling;
  file: string;
}

function isLabelled(object: Record<string, any>): boolean {
  if (object.kind === "Service") {
    return typeof object.apiVersion === "string" && object.apiVersion.startsWith("serving.knative.dev/");
  }
  return LABELLED_KINDS.has(object.kind);
}

function podTemplate(object: Record<string, any>): Record<string, any> | undefined {
  return object.spec?.jobTemplate?.spec?.template ?? object.spec?.template;
}

/** Adds budgetgate keys to an object, or to every item of a kind List. Objects of other kinds stay as they are. */
export function label(object: unknown, labelling: Labelling): void {
  if (object === null || typeof object !== "object") {
    return;
  }
  const record = object as Record<string, any>;
  if (record.kind === "List" && Array.isArray(record.items)) {
    record.items.forEach((item: unknown) => label(item, labelling));
    return;
  }
  if (!isLabelled(record)) {
    return;
  }
  const values = { "budgetgate.dev/deploy-type": labelling.deployType, "budgetgate.dev/vertical": labelling.vertical };
  const template = podTemplate(record);
  if (labelling.place === "template-annotations" && template !== undefined) {
    template.metadata ??= {};
    template.metadata.annotations = { ...template.metadata.annotations, ...values };
  } else if (labelling.place === "template-annotations") {
    record.metadata.annotations = { ...record.metadata.annotations, ...values };
  } else {
    record.metadata.labels = { ...record.metadata.labels, ...values };
  }
  if (labelling.breakGlass !== undefined) {
    record.metadata.annotations = { ...record.metadata.annotations, "budgetgate.dev/break-glass": labelling.breakGlass };
  }
}

/** Lists the fixture files of test/fixtures/k8s, sorted. */
export async function fixtureFiles(): Promise<string[]> {
  return (await readdir(K8S_FIXTURES)).filter((name) => /\.(ya?ml|json)$/.test(name)).sort();
}

/**
 * Writes a labelled copy of a fixture into `folder`. JSON stays JSON. YAML documents are parsed,
 * labelled and written back as a multi-document file. `transform` runs on each document first.
 */
export async function writeLabelledCopy(
  fixture: string,
  labelling: Labelling,
  folder: string,
  name: string,
  transform: (object: Record<string, any>) => void = () => {},
): Promise<string> {
  await mkdir(folder, { recursive: true });
  const text = await readFile(path.join(K8S_FIXTURES, fixture), "utf8");
  const target = path.join(folder, name);
  if (fixture.endsWith(".json")) {
    const object = JSON.parse(text);
    transform(object);
    label(object, labelling);
    await writeFile(target, JSON.stringify(object, null, 2));
    return target;
  }
  const documents = parseAllDocuments(text)
    .map((document) => document.toJS() as unknown)
    .filter((object): object is Record<string, any> => object !== null && typeof object === "object");
  for (const object of documents) {
    transform(object);
    label(object, labelling);
  }
  await writeFile(target, documents.map((object) => stringify(object)).join("---\n"));
  return target;
}
