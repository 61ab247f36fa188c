/**
 * The deployment kit under deploy/, checked statically: no container runtime or cluster runs
 * where these tests do (README "Operating it" says what was not exercised). The manifests build
 * with kustomize and carry what an orchestrator needs; the Dockerfile runs the built entry
 * points as a non-root user; every metric the Grafana dashboard queries is one the gateway serves.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { startTestGateway, type TestGateway } from './support/gateway.js';

const root = new URL('../', import.meta.url).pathname;
const kubectl = ['/usr/bin/kubectl', '/usr/local/bin/kubectl'].find((p) => existsSync(p));

describe('deploy/k8s', () => {
  const docs = () => {
    const text = kubectl
      ? execFileSync(kubectl, ['kustomize', `${root}deploy/k8s`], { encoding: 'utf8' })
      : ['configmap', 'deployment', 'service', 'hpa', 'pdb', 'migrate-job'].map((f) => readFileSync(`${root}deploy/k8s/${f}.yaml`, 'utf8')).join('\n---\n');
    return parseAllDocuments(text).map((d) => d.toJS());
  };

  it('builds into a Deployment with probes and preStop, a Service, an HPA on CPU and a migration Job', () => {
    const all = docs();
    const kinds = all.map((d) => d.kind).sort();
    expect(kinds).toEqual(['ConfigMap', 'Deployment', 'HorizontalPodAutoscaler', 'Job', 'PodDisruptionBudget', 'Service']);
    const deployment = all.find((d) => d.kind === 'Deployment');
    const container = deployment.spec.template.spec.containers[0];
    expect(container.readinessProbe.httpGet.path).toBe('/readyz');
    expect(container.livenessProbe.httpGet.path).toBe('/healthz');
    expect(container.lifecycle.preStop.exec.command).toBeDefined();
    expect(deployment.spec.template.spec.securityContext.runAsNonRoot).toBe(true);
    expect(container.ports.map((p: { containerPort: number }) => p.containerPort)).toEqual([4000, 9464]);
    const hpa = all.find((d) => d.kind === 'HorizontalPodAutoscaler');
    expect(hpa.spec.metrics[0].resource.name).toBe('cpu');
    const job = all.find((d) => d.kind === 'Job');
    expect(job.spec.template.spec.containers[0].command).toEqual(['node', 'dist/src/migrate.js']);
    const config = all.find((d) => d.kind === 'ConfigMap');
    expect(config.data.MIGRATIONS_ON_START).toBe('false');
  });
});

describe('deploy/Dockerfile', () => {
  it('is multi-stage, runs as a non-root user, and starts entry points the build produces', () => {
    const dockerfile = readFileSync(`${root}deploy/Dockerfile`, 'utf8');
    expect(dockerfile.match(/^FROM /gm)).toHaveLength(2);
    expect(dockerfile).toMatch(/^USER node$/m);
    expect(dockerfile).toContain('"dist/src/main.js"');
    for (const entry of ['src/main.ts', 'src/migrate.ts']) expect(existsSync(`${root}${entry}`), entry).toBe(true);
  });
});

describe('deploy/grafana-dashboard.json', () => {
  let gateway: TestGateway;
  beforeAll(async () => {
    gateway = await startTestGateway();
  });
  afterAll(async () => {
    await gateway?.stop();
  });

  it('queries only metrics the gateway serves', async () => {
    const dashboard = JSON.parse(readFileSync(`${root}deploy/grafana-dashboard.json`, 'utf8'));
    const queried = new Set<string>();
    for (const panel of dashboard.panels) for (const target of panel.targets) for (const [name] of target.expr.matchAll(/gateway_\w+/g)) queried.add(name.replace(/_(bucket|count|sum)$/, ''));
    const served = new Set((await gateway.metrics.registry.getMetricsAsJSON()).map((m) => m.name));
    expect([...queried].filter((name) => !served.has(name))).toEqual([]);
    expect(queried.size).toBeGreaterThanOrEqual(14);
  });
});
