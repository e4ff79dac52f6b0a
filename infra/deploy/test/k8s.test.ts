/**
 * infra/k8s, checked without a cluster: kustomize renders each overlay, every object validates
 * against the Kubernetes OpenAPI schemas (kubernetes-models), and the policies the app relies on
 * hold in the rendered output.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Deployment } from 'kubernetes-models/apps/v1';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2';
import { Ingress, NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { ConfigMap, Namespace, Service } from 'kubernetes-models/v1';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { run } from './run.js';

const k8sDir = fileURLToPath(new URL('../../k8s/', import.meta.url));
const overlays = ['dev', 'prod'] as const;

// biome-ignore lint/suspicious/noExplicitAny: rendered manifests are untyped YAML.
type Obj = Record<string, any>;

const models: Record<string, new (data: never) => { validate(): void }> = {
  'apps/v1/Deployment': Deployment,
  'autoscaling/v2/HorizontalPodAutoscaler': HorizontalPodAutoscaler,
  'networking.k8s.io/v1/Ingress': Ingress,
  'networking.k8s.io/v1/NetworkPolicy': NetworkPolicy,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
  'v1/ConfigMap': ConfigMap,
  'v1/Namespace': Namespace,
  'v1/Service': Service,
};

async function render(overlay: string): Promise<Obj[]> {
  const result = await run('kubectl', ['kustomize', `${k8sDir}overlays/${overlay}`], {
    timeoutMs: 30_000,
  });
  expect(result.code, result.stderr).toBe(0);
  const docs = parseAllDocuments(result.stdout);
  for (const doc of docs) expect(doc.errors).toEqual([]);
  return docs.map((doc) => doc.toJS() as Obj);
}

describe.each(overlays)('overlay %s', (overlay) => {
  let objects: Obj[] = [];
  const find = (kind: string): Obj[] => objects.filter((o) => o.kind === kind);
  const only = (kind: string): Obj => {
    const found = find(kind);
    expect(found, kind).toHaveLength(1);
    return found[0] as Obj;
  };

  beforeAll(async () => {
    objects = await render(overlay);
  });

  it('renders every expected kind, each valid against its schema', () => {
    expect(objects.map((o) => o.kind).sort()).toEqual(
      [
        'ConfigMap',
        'Deployment',
        'HorizontalPodAutoscaler',
        'Ingress',
        'Namespace',
        'NetworkPolicy',
        'PodDisruptionBudget',
        'Service',
      ].sort(),
    );
    for (const object of objects) {
      const Model = models[`${object.apiVersion}/${object.kind}`];
      expect(Model, `${object.apiVersion} ${object.kind}`).toBeDefined();
      expect(() =>
        new (Model as NonNullable<typeof Model>)(object as never).validate(),
      ).not.toThrow();
    }
  });

  it("runs the image the overlay's `images:` names (the one place it is set)", () => {
    const kustomization = parseAllDocuments(
      readFileSync(`${k8sDir}overlays/${overlay}/kustomization.yaml`, 'utf8'),
    )[0]?.toJS() as {
      images?: { name: string; newName: string; newTag?: string; digest?: string }[];
    };
    const [image] = kustomization.images ?? [];
    expect(image?.name).toBe('mcp-runway');
    const expected = image?.digest
      ? `${image.newName}@${image.digest}`
      : `${image?.newName}:${image?.newTag}`;
    const [container] = only('Deployment').spec.template.spec.containers as Obj[];
    expect(container?.image).toBe(expected);
  });

  if (overlay === 'prod') {
    it('pins the image by digest (a placeholder until it is set)', () => {
      const [container] = only('Deployment').spec.template.spec.containers as Obj[];
      expect(container?.image).toMatch(/^[\w./-]+@sha256:[0-9a-f]{64}$/);
    });
  }

  it('creates the namespace it deploys into, so `kubectl apply -k` works on a fresh cluster', () => {
    const namespace = only('Namespace').metadata.name as string;
    const namespaced = objects.filter((o) => o.kind !== 'Namespace');
    expect(namespaced.length).toBeGreaterThan(0);
    for (const object of namespaced) {
      expect(object.metadata.namespace, `${object.kind} ${object.metadata.name}`).toBe(namespace);
    }
  });

  it('runs every container non-root, read-only, with probes, resources and a pinned image', () => {
    const pod = only('Deployment').spec.template.spec;
    expect(pod.securityContext).toMatchObject({
      runAsNonRoot: true,
      runAsUser: 1000,
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(pod.volumes).toContainEqual(
      expect.objectContaining({ name: 'tmp', emptyDir: expect.anything() }),
    );
    for (const container of [...pod.containers, ...(pod.initContainers ?? [])] as Obj[]) {
      expect(container.image).toMatch(/:[\w.-]+$|@sha256:/);
      expect(container.image).not.toMatch(/:latest$/);
      expect(container.livenessProbe?.httpGet?.path).toBe('/health');
      expect(container.readinessProbe?.httpGet?.path).toBe('/ready');
      expect(container.resources?.requests?.cpu).toBeDefined();
      expect(container.resources?.requests?.memory).toBeDefined();
      expect(container.resources?.limits?.memory).toBeDefined();
      expect(container.securityContext).toMatchObject({
        allowPrivilegeEscalation: false,
        readOnlyRootFilesystem: true,
        runAsNonRoot: true,
        capabilities: { drop: ['ALL'] },
      });
      expect(container.volumeMounts).toContainEqual(
        expect.objectContaining({ name: 'tmp', mountPath: '/tmp' }),
      );
      expect(container.envFrom).toContainEqual({
        secretRef: expect.objectContaining({ name: expect.any(String) }),
      });
    }
  });

  it('gives the drain time to finish before the kubelet kills the pod', () => {
    const pod = only('Deployment').spec.template.spec;
    const config = only('ConfigMap').data as Record<string, string>;
    const shutdownMs = Number(config.SHUTDOWN_TIMEOUT_MS);
    expect(shutdownMs).toBeGreaterThan(0);
    for (const container of pod.containers as Obj[]) {
      const preStopS = Number(container.lifecycle?.preStop?.sleep?.seconds ?? 0);
      expect(preStopS).toBeGreaterThan(0);
      expect(pod.terminationGracePeriodSeconds * 1000).toBeGreaterThan(
        shutdownMs + preStopS * 1000,
      );
    }
  });

  it('configures the app for the Ingress host and a container bind', () => {
    const config = only('ConfigMap').data as Record<string, string>;
    const ingress = only('Ingress');
    const hosts = (config.ALLOWED_HOSTS ?? '').split(',').map((h) => h.trim());
    for (const rule of ingress.spec.rules as Obj[]) expect(hosts).toContain(rule.host);
    expect(config.HOST).toBe('0.0.0.0');
    expect(config.METRICS_HOST).toBe('0.0.0.0');
    const deployment = only('Deployment');
    expect(deployment.spec.template.spec.containers[0].envFrom).toContainEqual({
      configMapRef: { name: only('ConfigMap').metadata.name },
    });
  });

  it('streams SSE through the ingress, pins sessions, and never routes /metrics', () => {
    const ingress = only('Ingress');
    const annotations = ingress.metadata.annotations as Record<string, string>;
    expect(annotations['nginx.ingress.kubernetes.io/proxy-buffering']).toBe('off');
    expect(
      Number(annotations['nginx.ingress.kubernetes.io/proxy-read-timeout']),
    ).toBeGreaterThanOrEqual(300);
    expect(annotations['nginx.ingress.kubernetes.io/upstream-hash-by']).toBe(
      '$http_mcp_session_id',
    );
    const service = only('Service');
    for (const rule of ingress.spec.rules as Obj[]) {
      for (const path of rule.http.paths as Obj[]) {
        expect(path.path).not.toMatch(/^\/$|metrics/);
        expect(path.backend.service.name).toBe(service.metadata.name);
        expect(path.backend.service.port.name ?? path.backend.service.port.number).toMatch(
          /^http$|^80$/,
        );
      }
    }
    expect(service.spec.ports).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ name: 'http', port: 80 }),
        expect.objectContaining({ name: 'metrics', port: 9464 }),
      ]),
    );
  });

  it('selects the pods from the HPA, the PDB and the NetworkPolicy', () => {
    const deployment = only('Deployment');
    const podLabels = deployment.spec.template.metadata.labels as Record<string, string>;
    const matches = (selector: Record<string, string>) =>
      Object.entries(selector).every(([key, value]) => podLabels[key] === value);
    expect(matches(only('PodDisruptionBudget').spec.selector.matchLabels)).toBe(true);
    const policy = only('NetworkPolicy');
    expect(matches(policy.spec.podSelector.matchLabels)).toBe(true);
    const ports = (policy.spec.ingress as Obj[]).map((rule) => ({
      ports: (rule.ports as Obj[]).map((p) => p.port),
      namespaces: (rule.from as Obj[]).map(
        (f) => f.namespaceSelector?.matchLabels?.['kubernetes.io/metadata.name'],
      ),
    }));
    expect(ports).toEqual([
      { ports: [3000], namespaces: ['ingress-nginx'] },
      { ports: [9464], namespaces: ['monitoring'] },
    ]);
    expect(only('HorizontalPodAutoscaler').spec.scaleTargetRef).toMatchObject({
      kind: 'Deployment',
      name: deployment.metadata.name,
    });
  });
});
