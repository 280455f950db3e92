// The config's data (from YAML or TOML: the same keys) checked in one pass: the schema's problems and every
// unknown rule name together, in the order of the keys in the file, so that one run shows everything to fix.
import { checkRuleName, checkRuleSelector } from './known-rules.js';
import { formatProblem, schemaProblems, type ConfigProblem } from './issues.js';
import { configSchema, type Config } from './schema.js';
import { DEFAULT_CONFIG } from './index.js';

export type ParseConfigResult = { ok: true; config: Config } | { ok: false; error: string };

/** `data`: the parsed file (null or undefined: empty). On failure, `error` has one line per problem. */
export function validateConfig(data: unknown): ParseConfigResult {
  if (data === null || data === undefined) return { ok: true, config: DEFAULT_CONFIG };
  if (typeof data !== 'object' || Array.isArray(data)) {
    return { ok: false, error: `the config must be a mapping of keys (${Object.keys(configSchema.shape).join(', ')})` };
  }
  const parsed = configSchema.safeParse(data);
  const problems = [...(parsed.success ? [] : parsed.error.issues.flatMap((issue) => schemaProblems(issue, data))), ...ruleNameProblems(data)];
  if (problems.length === 0 && parsed.success) return { ok: true, config: parsed.data };
  const ranked = problems.map((problem) => ({ problem, rank: positionIn(data, problem.path) }));
  ranked.sort((a, b) => compareRanks(a.rank, b.rank));
  return { ok: false, error: ranked.map(({ problem }) => formatProblem(problem)).join('\n') };
}

/** Where a key path is in the file: the index of each of its keys among its siblings. */
function positionIn(data: unknown, path: readonly PropertyKey[]): number[] {
  const rank: number[] = [];
  let current = data;
  for (const segment of path) {
    if (!isMapping(current) && !Array.isArray(current)) break;
    rank.push(Object.keys(current).indexOf(String(segment)));
    current = (current as Record<string, unknown>)[String(segment)];
  }
  return rank;
}

function compareRanks(a: readonly number[], b: readonly number[]): number {
  for (let index = 0; index < Math.min(a.length, b.length); index++) if (a[index] !== b[index]) return a[index]! - b[index]!;
  return a.length - b.length;
}

/** Rule names in `rules:` and selectors in `per-file-ignores`, read from the raw data so that they are checked
 *  even when other keys are wrong. */
function ruleNameProblems(data: object): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const { rules, 'per-file-ignores': perFile } = data as Record<string, unknown>;
  if (isMapping(rules)) {
    for (const name of Object.keys(rules)) {
      const problem = checkRuleName(name);
      if (problem) problems.push({ path: ['rules', name], message: problem });
    }
  }
  if (isMapping(perFile)) {
    for (const [glob, selectors] of Object.entries(perFile)) {
      const list = typeof selectors === 'string' ? [selectors] : Array.isArray(selectors) ? selectors : [];
      list.forEach((selector: unknown, index) => {
        const problem = typeof selector === 'string' && selector !== '' ? checkRuleSelector(selector) : null;
        if (problem) problems.push({ path: ['per-file-ignores', glob, ...(typeof selectors === 'string' ? [] : [index])], message: problem });
      });
    }
  }
  return problems;
}

function isMapping(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
