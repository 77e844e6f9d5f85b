import { DEFAULT_PORTS, SERVICES, SETTING_NAMES } from '../app/config';
import { podTemplate, readKustomization, readYamlDocuments, resolvePort, validateObject, type Container, type K8sObject } from './support/manifests';

/**
 * deploy/k8s: every object parses and passes the Kubernetes schema of its kind (kubernetes-models),
 * and the invariants an operator relies on hold — probes on /readyz and /healthz, ports as the app
 * listens, one image, secrets only by reference, a PodDisruptionBudget for every Deployment and an
 * autoscaler where one belongs, settings the app knows.
 */
const kustomization = readKustomization();
const applied: K8sObject[] = kustomization.resources.flatMap(readYamlDocuments);
const example = readYamlDocuments('secret.example.yaml');
const NAMESPACE = 'returns-graph';
/** Settings whose values are secrets: only ever from the Secret, never inline or in the ConfigMap. */
const SECRET_SETTINGS = [
  'DATABASE_URL',
  'REDIS_URL',
  'REGISTRY_TOKEN',
  'INTERNAL_TOKEN_SECRET',
  'STRIPE_SECRET_KEY',
  'STRIPE_WEBHOOK_SECRET',
  'ADYEN_API_KEY',
  'ADYEN_HMAC_KEY',
  'SHOPIFY_ACCESS_TOKEN',
  'SHOPIFY_WEBHOOK_SECRET',
  'WAREHOUSE_SECRETS',
  'BC_CLIENT_SECRET',
  'NETSUITE_CONSUMER_SECRET',
  'NETSUITE_TOKEN_SECRET',
  'TOKEN',
];
/** The registry serves a poll per gateway every few seconds: a fixed pair, no autoscaler. */
const WITHOUT_AUTOSCALER = new Set(['registry']);

const ofKind = (kind: string) => applied.filter((object) => object.kind === kind);
const named = (kind: string, name: string) => ofKind(kind).find((object) => object.metadata.name === name);
const deployments = ofKind('Deployment');
const containersOf = (object: K8sObject): Container[] => podTemplate(object).spec.containers;
/** The shared ConfigMap's data, and the example Secret's placeholders. */
const configData = () => named('ConfigMap', 'returns-graph')?.data as Record<string, string>;
const exampleData = () => example[0]?.stringData as Record<string, string>;
const allContainers = [...deployments, ...ofKind('Job')].flatMap(containersOf);

describe('deploy/k8s manifests', () => {
  it('parse, and every object passes its Kubernetes schema', () => {
    expect(applied.length).toBeGreaterThan(20);
    for (const object of [...applied, ...example]) validateObject(object);
  });

  it('put every object in the namespace, which the kustomization creates', () => {
    expect(kustomization.namespace).toBe(NAMESPACE);
    expect(named('Namespace', NAMESPACE)).toBeDefined();
    for (const object of applied.filter((o) => o.kind !== 'Namespace')) expect([object.file, object.metadata.namespace]).toEqual([object.file, NAMESPACE]);
  });

  it('run one Deployment per service, each as the app runs it (RG_SERVICE, its default port, node dist/app/service.js)', () => {
    expect(deployments.map((d) => d.metadata.name).sort()).toEqual([...SERVICES].sort());
    for (const deployment of deployments) {
      const service = deployment.metadata.name as keyof typeof DEFAULT_PORTS;
      const [container, ...others] = containersOf(deployment);
      expect(others).toEqual([]);
      expect(container!.command).toEqual(['node', 'dist/app/service.js']);
      expect(container!.env?.find((e) => e.name === 'RG_SERVICE')?.value).toBe(service);
      expect(resolvePort(container!, 'http')).toBe(DEFAULT_PORTS[service]);
    }
  });

  it('probe readiness on /readyz and liveness on /healthz, on the port the service listens on', () => {
    for (const deployment of deployments) {
      const service = deployment.metadata.name as keyof typeof DEFAULT_PORTS;
      for (const container of containersOf(deployment)) {
        expect([service, container.readinessProbe?.httpGet?.path]).toEqual([service, '/readyz']);
        expect([service, container.livenessProbe?.httpGet?.path]).toEqual([service, '/healthz']);
        expect(resolvePort(container, container.readinessProbe?.httpGet?.port)).toBe(DEFAULT_PORTS[service]);
        expect(resolvePort(container, container.livenessProbe?.httpGet?.port)).toBe(DEFAULT_PORTS[service]);
      }
    }
  });

  it('expose each Deployment through a Service on its port, selecting its pods', () => {
    for (const deployment of deployments) {
      const name = deployment.metadata.name as keyof typeof DEFAULT_PORTS;
      const service = named('Service', name) as
        { spec: { selector: Record<string, string>; ports: { port: number; targetPort: string | number }[] } } | undefined;
      expect(service).toBeDefined();
      expect(podTemplate(deployment).metadata.labels).toMatchObject(service!.spec.selector);
      expect(service!.spec.ports.map((p) => [p.port, resolvePort(containersOf(deployment)[0]!, p.targetPort)])).toEqual([
        [DEFAULT_PORTS[name], DEFAULT_PORTS[name]],
      ]);
    }
  });

  it('give every Deployment a PodDisruptionBudget, and an autoscaler (autoscaling/v2) where one belongs', () => {
    for (const deployment of deployments) {
      const name = deployment.metadata.name;
      const labels = podTemplate(deployment).metadata.labels;
      const pdb = named('PodDisruptionBudget', name) as { spec: { selector: { matchLabels: Record<string, string> } } } | undefined;
      expect([name, pdb === undefined]).toEqual([name, false]);
      expect(labels).toMatchObject(pdb!.spec.selector.matchLabels);
      const hpa = named('HorizontalPodAutoscaler', name) as
        { spec: { scaleTargetRef: { kind: string; name: string }; minReplicas: number; maxReplicas: number } } | undefined;
      if (WITHOUT_AUTOSCALER.has(name)) {
        expect(hpa).toBeUndefined();
        expect((deployment.spec as { replicas: number }).replicas).toBeGreaterThanOrEqual(2);
        continue;
      }
      expect(hpa?.spec.scaleTargetRef).toMatchObject({ kind: 'Deployment', name });
      // Two at least, so the PodDisruptionBudget can ever let one go.
      expect(hpa!.spec.minReplicas).toBeGreaterThanOrEqual(2);
      expect(hpa!.spec.maxReplicas).toBeGreaterThan(hpa!.spec.minReplicas);
    }
  });

  it('run one image everywhere, the one the kustomization sets, non-root on a read-only root filesystem', () => {
    expect(kustomization.images.map((image) => image.name)).toEqual(['returns-graph']);
    for (const object of [...deployments, ...ofKind('Job')]) {
      const pod = podTemplate(object).spec;
      expect([object.metadata.name, pod.securityContext?.runAsNonRoot]).toEqual([object.metadata.name, true]);
      expect(pod.securityContext?.runAsUser).toBeGreaterThan(0);
      for (const container of pod.containers) {
        expect(container.image).toBe('returns-graph');
        expect(container.securityContext).toMatchObject({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false });
        expect(container.resources?.requests?.memory).toBeDefined();
        expect(container.resources?.limits?.memory).toBeDefined();
      }
    }
  });

  it('ask Prometheus to scrape /metrics on each service port', () => {
    for (const deployment of deployments) {
      const annotations = podTemplate(deployment).metadata.annotations ?? {};
      const port = resolvePort(containersOf(deployment)[0]!, 'http');
      expect(annotations).toEqual({ 'prometheus.io/scrape': 'true', 'prometheus.io/port': String(port), 'prometheus.io/path': '/metrics' });
    }
  });

  it('take secrets only by reference to the operator’s Secret, and apply no Secret', () => {
    expect(ofKind('Secret')).toEqual([]);
    expect(kustomization.resources).not.toContain('secret.example.yaml');
    const exampleKeys = Object.keys(exampleData());
    for (const container of allContainers) {
      for (const variable of container.env ?? []) {
        if (SECRET_SETTINGS.includes(variable.name)) expect([variable.name, variable.value]).toEqual([variable.name, undefined]);
        const ref = variable.valueFrom?.secretKeyRef;
        if (!ref) continue;
        expect(ref).toEqual({ name: 'returns-graph', key: variable.name });
        expect(exampleKeys).toContain(ref.key);
      }
      for (const source of container.envFrom ?? []) expect(source.configMapRef?.name).toBe('returns-graph');
    }
    const data = configData();
    expect(Object.keys(data).filter((key) => SECRET_SETTINGS.includes(key))).toEqual([]);
    // Every placeholder is marked as one.
    for (const value of Object.values(exampleData())) expect(value).toMatch(/PLACEHOLDER/);
  });

  it('set only settings app/config.ts knows (a typo would be silently ignored)', () => {
    const data = configData();
    const names = [...Object.keys(data), ...allContainers.flatMap((c) => (c.env ?? []).map((e) => e.name))];
    expect(names.filter((name) => !SETTING_NAMES.includes(name))).toEqual([]);
    for (const value of Object.values(data)) expect(typeof value).toBe('string');
  });

  it('publish each subgraph under its Service name, and point REGISTRY_URL at the registry Service', () => {
    for (const name of ['orders', 'returns', 'inventory', 'refunds']) {
      const env = containersOf(named('Deployment', name)!)[0]!.env ?? [];
      expect(env.find((e) => e.name === 'PUBLIC_HOST')?.value).toBe(`${name}.${NAMESPACE}.svc`);
    }
    const data = configData();
    expect(data.REGISTRY_URL).toBe(`http://registry.${NAMESPACE}.svc:${DEFAULT_PORTS.registry}`);
    expect(data.HOST).toBe('0.0.0.0');
    expect(data.NODE_ENV).toBe('production');
  });

  it('migrate every schema in a Job that runs the compiled migration command once', () => {
    const job = named('Job', 'migrate')!;
    const pod = podTemplate(job).spec;
    expect(pod.restartPolicy).toBe('Never');
    expect(pod.containers[0]!.command).toEqual(['node', 'dist/app/migrate-cli.js']);
    expect(pod.containers[0]!.env?.find((e) => e.name === 'DATABASE_URL')?.valueFrom?.secretKeyRef).toEqual({ name: 'returns-graph', key: 'DATABASE_URL' });
  });
});
