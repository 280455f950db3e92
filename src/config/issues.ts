// Config problems as the user reads them: one line each, naming the key path (`review.max_comments`,
// `per-file-ignores."tests/**".0`) and what is wrong, with the value found or the keys expected.
import type { z } from 'zod';
import { configSchema } from './schema.js';

/** A problem at a key path of the config's data. */
export interface ConfigProblem {
  path: readonly PropertyKey[];
  message: string;
}

/** `review.max_comments`; a key that is not a plain word (a glob) is quoted: `per-file-ignores."tests/**"`. */
export function keyPath(path: readonly PropertyKey[]): string {
  return path.map((segment) => {
    const key = String(segment);
    return /^[\w-]+$/.test(key) ? key : JSON.stringify(key);
  }).join('.');
}

export function formatProblem(problem: ConfigProblem): string {
  return `${keyPath(problem.path) || '(top level)'}: ${problem.message}`;
}

/** zod's issues as problems: one per unknown key (with the keys expected there), one per wrong value (with it). */
export function schemaProblems(issue: z.core.$ZodIssue, data: unknown): ConfigProblem[] {
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) => ({ path: [...issue.path, key], message: `unknown key${knownKeysHint(issue.path)}` }));
  }
  const value = valueAt(data, issue.path);
  const got = value === undefined || typeof value === 'object' ? '' : ` (got ${JSON.stringify(value)})`;
  return [{ path: issue.path, message: `${issue.message}${got}` }];
}

export function valueAt(data: unknown, path: readonly PropertyKey[]): unknown {
  let current = data;
  for (const segment of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<PropertyKey, unknown>)[segment];
  }
  return current;
}

function knownKeysHint(path: readonly PropertyKey[]): string {
  let shape: z.core.$ZodType | undefined = configSchema;
  for (const segment of path) shape = childSchema(shape, String(segment));
  const keys = shape ? objectKeys(shape) : [];
  return keys.length > 0 ? ` (expected one of: ${keys.join(', ')})` : '';
}

function objectKeys(schema: z.core.$ZodType): string[] {
  const def = unwrap(schema)._zod.def as { shape?: Record<string, unknown> };
  return def.shape ? Object.keys(def.shape) : [];
}

function childSchema(schema: z.core.$ZodType | undefined, key: string): z.core.$ZodType | undefined {
  if (!schema) return undefined;
  const def = unwrap(schema)._zod.def as { shape?: Record<string, z.core.$ZodType> };
  return def.shape?.[key];
}

/** Sees through .default() / .prefault() / .optional() wrappers. */
function unwrap(schema: z.core.$ZodType): z.core.$ZodType {
  let current = schema;
  for (;;) {
    const def = current._zod.def as { innerType?: z.core.$ZodType };
    if (!def.innerType) return current;
    current = def.innerType;
  }
}
