import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import { ADMISSION_PATH } from "../../src/admission/router.ts";
import { loadConfig } from "../../src/config/config.ts";

const WEBHOOK_DIR = fileURLToPath(new URL("../../deploy/webhook/", import.meta.url));

/** Parses every YAML document under deploy/webhook. A syntax error fails the test that loads it. */
function loadManifests(): any[] {
  const objects: any[] = [];
  for (const file of readdirSync(WEBHOOK_DIR).filter((name) => name.endsWith(".yaml"))) {
    for (const document of parseAllDocuments(readFileSync(path.join(WEBHOOK_DIR, file), "utf8"))) {
      expect(document.errors, `${file}: ${document.errors.join("; ")}`).toEqual([]);
      objects.push(document.toJS());
    }
  }
  return objects;
}

function find(objects: any[], kind: string, name: string): any {
  const found = objects.find((object) => object.kind === kind && object.metadata?.name === name);
  expect(found, `${kind} ${name} is missing from deploy/webhook`).toBeDefined();
  return found;
}

const SYSTEM_NAMESPACES = ["kube-system", "kube-public", "kube-node-lease", "gatekeeper-system", "budgetgate"];

describe("deploy/webhook manifests", () => {
  const objects = loadManifests();

  it("parse as YAML objects", () => {
    expect(objects.length).toBeGreaterThanOrEqual(9);
    for (const object of objects) {
      expect(typeof object.apiVersion).toBe("string");
      expect(typeof object.kind).toBe("string");
    }
  });

  it("list every resource in kustomization", () => {
    const kustomization = objects.find((object) => object.kind === "Kustomization");
    expect(kustomization, "kustomization.yaml is missing").toBeDefined();
    const files = readdirSync(WEBHOOK_DIR).filter((name) => name.endsWith(".yaml") && name !== "kustomization.yaml");
    // certificate.yaml is the cert-manager alternative to secret-tls.yaml.
    expect([...kustomization.resources].sort()).toEqual(files.filter((file) => file !== "certificate.yaml").sort());
  });

  it("configure the webhook for v1 reviews", () => {
    const configuration = find(objects, "ValidatingWebhookConfiguration", "budgetgate");
    expect(configuration.webhooks).toHaveLength(1);
    const [webhook] = configuration.webhooks;
    expect(webhook.admissionReviewVersions).toEqual(["v1"]);
    expect(webhook.sideEffects).toBe("None");
    expect(webhook.timeoutSeconds).toBeLessThanOrEqual(5);
    expect(webhook.failurePolicy).toBe("Fail");
    expect(webhook.clientConfig.service).toEqual({ namespace: "budgetgate", name: "budgetgate", port: 443, path: ADMISSION_PATH });
  });

  it("exclude system namespaces", () => {
    const [webhook] = find(objects, "ValidatingWebhookConfiguration", "budgetgate").webhooks;
    const [expression] = webhook.namespaceSelector.matchExpressions;
    expect(expression.key).toBe("kubernetes.io/metadata.name");
    expect(expression.operator).toBe("NotIn");
    expect([...expression.values].sort()).toEqual([...SYSTEM_NAMESPACES].sort());
  });

  it("match workload kinds on create and update", () => {
    const [webhook] = find(objects, "ValidatingWebhookConfiguration", "budgetgate").webhooks;
    const resources = webhook.rules.flatMap((rule: any) =>
      rule.resources.map((resource: string) => `${rule.apiGroups[0] || "core"}/${rule.apiVersions[0]}/${resource}`),
    );
    expect(resources.sort()).toEqual(
      [
        "apps/v1/daemonsets",
        "apps/v1/deployments",
        "apps/v1/replicasets",
        "apps/v1/statefulsets",
        "argoproj.io/v1alpha1/rollouts",
        "batch/v1/cronjobs",
        "batch/v1/jobs",
        "core/v1/pods",
      ].sort(),
    );
    for (const rule of webhook.rules) {
      expect(rule.operations).toEqual(["CREATE", "UPDATE"]);
    }
  });

  it("route Service ports to the container ports", () => {
    const service = find(objects, "Service", "budgetgate");
    const deployment = find(objects, "Deployment", "budgetgate");
    const [container] = deployment.spec.template.spec.containers;
    const containerPorts = Object.fromEntries(container.ports.map((port: any) => [port.name, port.containerPort]));
    expect(containerPorts).toEqual({ http: 8080, webhook: 8443, provider: 8444 });
    const servicePorts = Object.fromEntries(service.spec.ports.map((port: any) => [port.name, [port.port, port.targetPort]]));
    expect(servicePorts).toEqual({ webhook: [443, "webhook"], provider: [8444, "provider"], http: [8080, "http"] });
  });

  it("set environment that loadConfig accepts", () => {
    const deployment = find(objects, "Deployment", "budgetgate");
    const [container] = deployment.spec.template.spec.containers;
    const env = Object.fromEntries(container.env.filter((entry: any) => entry.value !== undefined).map((entry: any) => [entry.name, entry.value]));
    const config = loadConfig(env);
    expect(config.host).toBe("0.0.0.0");
    expect(config.tls).toEqual({
      certFile: "/etc/budgetgate/tls/tls.crt",
      keyFile: "/etc/budgetgate/tls/tls.key",
      webhookPort: 8443,
      providerPort: 8444,
      reloadSeconds: 30,
    });
    const tlsMount = container.volumeMounts.find((mount: any) => mount.name === "tls");
    expect(tlsMount.mountPath).toBe(path.dirname(config.tls!.certFile));
    expect(tlsMount.subPath).toBeUndefined();
    expect(container.readinessProbe.httpGet).toEqual({ path: "/healthz", port: "webhook", scheme: "HTTPS" });
  });

  it("name the service in the certificate", () => {
    const certificate = find(objects, "Certificate", "budgetgate-tls");
    expect(certificate.spec.secretName).toBe("budgetgate-tls");
    expect(certificate.spec.dnsNames).toContain("budgetgate.budgetgate.svc");
    const configuration = find(objects, "ValidatingWebhookConfiguration", "budgetgate");
    expect(configuration.metadata.annotations["cert-manager.io/inject-ca-from"]).toBe("budgetgate/budgetgate-tls");
  });
});
