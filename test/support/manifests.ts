import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { Namespace, ConfigMap, Secret, Service } from 'kubernetes-models/v1';
import { Deployment } from 'kubernetes-models/apps/v1';
import { Job } from 'kubernetes-models/batch/v1';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';

/** The repository root. */
export const ROOT = path.resolve(__dirname, '../..');
/** The Kubernetes manifests' folder. */
export const K8S_DIR = path.join(ROOT, 'deploy/k8s');

/** One Kubernetes object as parsed from YAML, with the file it came from. */
export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  file: string;
  // The rest is read per kind by the tests.
  [field: string]: unknown;
}

/**
 * The kinds the manifests may contain, each with its kubernetes-models class (the OpenAPI schema of
 * Kubernetes 1.27 as JSON Schema): a kind or API version outside this list fails the test.
 */
const MODELS: Record<string, new (data: never) => { validate(): void }> = {
  'v1/Namespace': Namespace,
  'v1/ConfigMap': ConfigMap,
  'v1/Secret': Secret,
  'v1/Service': Service,
  'apps/v1/Deployment': Deployment,
  'batch/v1/Job': Job,
  'autoscaling/v2/HorizontalPodAutoscaler': HorizontalPodAutoscaler,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
};

/** Validates one object against its schema; throws naming the file, kind and name. */
export function validateObject(object: K8sObject): void {
  const Model = MODELS[`${object.apiVersion}/${object.kind}`];
  if (!Model) throw new Error(`${object.file}: ${object.apiVersion} ${object.kind} is not a kind these manifests use`);
  const { file: _file, ...data } = object;
  try {
    new Model(data as never).validate();
  } catch (error) {
    throw new Error(`${object.file}: ${object.kind} ${object.metadata?.name}: ${(error as Error).message}`);
  }
}

/** Every YAML document of a file, parsed strictly (a YAML error fails). */
export function readYamlDocuments(file: string): K8sObject[] {
  const text = readFileSync(path.join(K8S_DIR, file), 'utf8');
  return parseAllDocuments(text).map((document) => {
    if (document.errors.length > 0) throw new Error(`${file}: ${document.errors.map((error) => error.message).join('; ')}`);
    return { ...(document.toJS() as Omit<K8sObject, 'file'>), file } as K8sObject;
  });
}

/** kustomization.yaml: the files `kubectl apply -k deploy/k8s` applies, and its image override. */
export interface Kustomization {
  namespace: string;
  resources: string[];
  images: { name: string; newName?: string; newTag?: string }[];
}

export function readKustomization(): Kustomization {
  return parse(readFileSync(path.join(K8S_DIR, 'kustomization.yaml'), 'utf8')) as Kustomization;
}

/** A container as the tests read it. */
export interface Container {
  name: string;
  image: string;
  command?: string[];
  ports?: { name?: string; containerPort: number }[];
  env?: { name: string; value?: string; valueFrom?: { secretKeyRef?: { name: string; key: string }; configMapKeyRef?: unknown } }[];
  envFrom?: { configMapRef?: { name: string }; secretRef?: { name: string } }[];
  readinessProbe?: { httpGet?: { path: string; port: number | string } };
  livenessProbe?: { httpGet?: { path: string; port: number | string } };
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  securityContext?: { readOnlyRootFilesystem?: boolean; allowPrivilegeEscalation?: boolean; runAsNonRoot?: boolean };
}

/** A pod template as the tests read it. */
export interface PodTemplate {
  metadata: { labels: Record<string, string>; annotations?: Record<string, string> };
  spec: { containers: Container[]; securityContext?: { runAsNonRoot?: boolean; runAsUser?: number }; restartPolicy?: string };
}

/** The pod template of a Deployment or a Job. */
export function podTemplate(object: K8sObject): PodTemplate {
  return (object.spec as { template: PodTemplate }).template;
}

/** The value of a named container port (probes and Services may name ports). */
export function resolvePort(container: Container, port: number | string | undefined): number | undefined {
  if (typeof port === 'number') return port;
  return container.ports?.find((candidate) => candidate.name === port)?.containerPort;
}
