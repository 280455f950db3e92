// `.github/async-review.yml`: parsing with a precise error, defaults, and what the config means for the
// analyzer and for path selection. Shared by the App (read from the default branch) and the CLI (repo root).
import picomatch from 'picomatch';
import { parseDocument } from 'yaml';
import type { z } from 'zod';
import type { AnalyzeOptions } from '../analyzer/types.js';
import { checkRuleName } from './known-rules.js';
import { configSchema, type Config } from './schema.js';

export { configSchema, type Config, type FilterMode, type ReviewEvent } from './schema.js';

export const CONFIG_PATH = '.github/async-review.yml';

export const DEFAULT_CONFIG: Config = Object.freeze(configSchema.parse({})) as Config;

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

export function toAnalyzeOptions(config: Config): AnalyzeOptions {
  const options: AnalyzeOptions = { ruleSettings: { ...config.rules } };
  if (config.pytest.asyncio_mode) {
    options.project = { asyncTestsRunAutomatically: config.pytest.asyncio_mode === 'auto' };
  }
  return options;
}

const matcherCache = new WeakMap<Config, (path: string) => boolean>();

/** Whether `paths.include` / `paths.exclude` select this repository-relative POSIX path. It does not
 *  check the extension: callers decide which files are Python. */
export function isPathIncluded(config: Config, path: string): boolean {
  let matches = matcherCache.get(config);
  if (!matches) {
    const options = { dot: true };
    const include = config.paths.include.length > 0 ? picomatch(config.paths.include, options) : () => true;
    const exclude = config.paths.exclude.length > 0 ? picomatch(config.paths.exclude, options) : () => false;
    matches = (candidate: string) => include(candidate) && !exclude(candidate);
    matcherCache.set(config, matches);
  }
  return matches(path.replace(/^\.\//, ''));
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
