/**
 * Reading a return policy document: parse, validate, freeze. Misuse fails loudly at start-up, and
 * the error names every bad path with what was wrong there, so whoever edits the JSON can fix it
 * without reading this code.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { z } from 'zod';
import { returnPolicySchema, type ReturnPolicy } from './schema';

/** Where the shipped default document lives, beside this file. */
export const DEFAULT_POLICY_PATH = path.join(__dirname, 'default-policy.json');

/** A policy document that does not satisfy the schema; `issues` lists each bad path. */
export class InvalidPolicyError extends Error {
  override readonly name = 'InvalidPolicyError';
  /** One entry per problem: the path into the document (e.g. `windows[2].days`) and what is wrong. */
  readonly issues: readonly { path: string; message: string }[];

  constructor(source: string, issues: readonly { path: string; message: string }[]) {
    super(`Invalid return policy (${source}): ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`);
    this.issues = issues;
  }
}

/** `['windows', 2, 'days']` → `windows[2].days`; the document root is `(root)`. */
export function formatPath(segments: readonly PropertyKey[]): string {
  let out = '';
  for (const segment of segments) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else out += out === '' ? String(segment) : `.${String(segment)}`;
  }
  return out === '' ? '(root)' : out;
}

function toIssues(error: z.ZodError): { path: string; message: string }[] {
  return error.issues.map((issue) => ({ path: formatPath(issue.path), message: issue.message }));
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

/**
 * Validates `document` (already parsed JSON) and returns it as a frozen `ReturnPolicy`: frozen
 * because one policy object is shared by every request, and a request must not be able to bend it.
 * Throws `InvalidPolicyError` naming each bad path; `source` says which document it was.
 */
export function parsePolicy(document: unknown, source = 'document'): ReturnPolicy {
  const result = returnPolicySchema.safeParse(document);
  if (!result.success) throw new InvalidPolicyError(source, toIssues(result.error));
  return deepFreeze(result.data);
}

/** Reads and validates a policy JSON file (e.g. a retailer's own policy from configuration). */
export function loadPolicyFile(file: string): ReturnPolicy {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new Error(`Cannot read return policy file ${file}: ${(error as Error).message}`);
  }
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    throw new InvalidPolicyError(file, [{ path: '(root)', message: `not valid JSON: ${(error as Error).message}` }]);
  }
  return parsePolicy(document, file);
}

let defaultPolicy: ReturnPolicy | undefined;

/** The shipped default policy (`default-policy.json`), validated once and then shared. */
export function loadDefaultPolicy(): ReturnPolicy {
  defaultPolicy ??= loadPolicyFile(DEFAULT_POLICY_PATH);
  return defaultPolicy;
}
