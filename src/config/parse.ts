// Reading `.github/async-review.yml`: YAML, then the zod schema, with one precise error line per problem.
import { parseDocument } from 'yaml';
import type { z } from 'zod';
import { checkRuleName } from './known-rules.js';
import { configSchema, type Config } from './schema.js';
import { DEFAULT_CONFIG } from './index.js';

export type ParseConfigResult = { ok: true; config: Config } | { ok: false; error: string };

/** Parses the config file's text. Null, empty or comment-only text gives the defaults. On failure,
 *  `error` has one line per problem, each naming the key (or YAML line) and what is wrong. */
export function parseConfig(text: string | null): ParseConfigResult {
  if (text === null || text.trim() === '') return { ok: true, config: DEFAULT_CONFIG };
  const document = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (document.errors.length > 0) {
    return { ok: false, error: document.errors.map((e) => `invalid YAML: ${firstLine(e.message)}`).join('\n') };
  }
  const data: unknown = document.toJS();
  if (data === null || data === undefined) return { ok: true, config: DEFAULT_CONFIG };
  if (typeof data !== 'object' || Array.isArray(data)) {
    return { ok: false, error: 'the file must be a mapping of keys (rules, paths, filter, review, check, pytest)' };
  }
  const parsed = configSchema.safeParse(data);
  if (!parsed.success) {
    return { ok: false, error: parsed.error.issues.map((issue) => describeIssue(issue, data)).join('\n') };
  }
  const ruleProblems = Object.keys(parsed.data.rules).flatMap((name) => {
    const problem = checkRuleName(name);
    return problem ? [`rules.${name}: ${problem}`] : [];
  });
  if (ruleProblems.length > 0) return { ok: false, error: ruleProblems.join('\n') };
  return { ok: true, config: parsed.data };
}

function describeIssue(issue: z.core.$ZodIssue, data: unknown): string {
  const key = issue.path.map(String).join('.');
  if (issue.code === 'unrecognized_keys') {
    return issue.keys
      .map((unknown) => `${key ? `${key}.` : ''}${unknown}: unknown key${knownKeysHint(issue.path)}`)
      .join('\n');
  }
  const value = valueAt(data, issue.path);
  const got = value === undefined || typeof value === 'object' ? '' : ` (got ${JSON.stringify(value)})`;
  return `${key || '(top level)'}: ${issue.message}${got}`;
}

function valueAt(data: unknown, path: readonly PropertyKey[]): unknown {
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

function firstLine(message: string): string {
  return message.split('\n')[0].replace(/:$/, '');
}
