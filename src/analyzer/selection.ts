// Which findings a run reports, and at what severity: `--select`/`--ignore`, the config's `rules:` and
// `per-file-ignores`, by rule name, alias (`ASYNC251`) or, to select, alias prefix (`ASYNC`, `ASYNC2`). A finding
// answers to its rule's name and to the alias it was reported under (see ReportOptions.alias): `ASYNC230: off`
// silences blocking-file-io's `open()` findings and keeps its `os.path` ones.
import { isAbsolute, relative, resolve, sep } from 'node:path';
import picomatch from 'picomatch';
import type { RuleDocs } from './rule.js';
import type { AnalyzeOptions, PerFileIgnores, Severity } from './types.js';
import { aliasesOf, ruleMatchesCode } from './suppression.js';
import { KNOWLEDGE } from './knowledge/index.js';

/** Does `selector` (a name, an alias, or an alias prefix: upper-case letters and digits) select the finding? */
export function selectorMatches(rule: RuleDocs, alias: string | null | undefined, selector: string): boolean {
  if (ruleMatchesCode(rule, selector, alias)) return true;
  const prefix = selector.trim();
  return /^[A-Z]+\d*$/.test(prefix) && aliasesOf(rule, alias).some((each) => each.startsWith(prefix));
}

/** Does `--select`/`--ignore` value `selector` name at least one of the rules (a name, an alias, a prefix)? */
export function selectsAnyRule(rules: readonly RuleDocs[], selector: string): boolean {
  return rules.some((rule) => selectorMatches(rule, undefined, selector));
}

/** The severity of a finding of `rule` reported under `alias`, or null when it is not to be reported.
 *  `fileIgnores`: the per-file ignores of its file. `enforcedHere`: the module imports a library whose runtime
 *  enforces the rule (library tables' `enforces`: Home Assistant and blocking-file-io), which turns on a rule
 *  that is off by default, as a severity in the config would. */
export function findingSeverity(rule: RuleDocs, alias: string | null | undefined, options: AnalyzeOptions, fileIgnores: readonly string[] = [], enforcedHere = false): Severity | null {
  const matches = (selector: string) => selectorMatches(rule, alias, selector);
  if (options.select?.length && !options.select.some(matches)) return null;
  if (options.ignore?.some(matches) || fileIgnores.some(matches)) return null;
  const setting = ruleSetting(rule, alias, options.ruleSettings ?? {});
  if (setting === 'off') return null;
  // A rule off by default runs when the config gives it a severity or `--select` names it (not by prefix).
  if (rule.defaultEnabled === false && setting === undefined && !enforcedHere && !options.select?.some((selector) => ruleMatchesCode(rule, selector, alias))) return null;
  return setting ?? rule.severity;
}

/** The `rules:` entry for a finding: the entry of the one alias it answers to wins over its rule name's, which
 *  wins over another alias's (`blocking-file-io: warning` with `ASYNC230: error` makes only `open()` an error). */
function ruleSetting(rule: RuleDocs, alias: string | null | undefined, settings: Record<string, Severity | 'off'>): Severity | 'off' | undefined {
  const entries = Object.entries(settings);
  const find = (test: (key: string) => boolean) => entries.find(([key]) => test(key))?.[1];
  const answered = aliasesOf(rule, alias);
  const same = (key: string, code: string) => key.trim().toLowerCase() === code.toLowerCase();
  return (answered.length === 1 ? find((key) => same(key, answered[0]!)) : undefined)
    ?? find((key) => same(key, rule.name))
    ?? find((key) => answered.some((code) => same(key, code)));
}

/** Can the options let any finding of `rule` through (else its query is not even compiled)? `enforced`: count
 *  the modules that import a library enforcing the rule (false: only what the options themselves turn on). */
export function mayReport(rule: RuleDocs, options: AnalyzeOptions, enforced = KNOWLEDGE.enforcedBy.has(rule.name)): boolean {
  return [undefined, null, ...rule.aliases].some((alias) => findingSeverity(rule, alias, options, [], enforced) !== null);
}

/** For each analyzed path, the rule selectors its per-file ignores list (none when nothing is configured). */
export function perFileIgnoresMatcher(perFile: PerFileIgnores | undefined): (path: string) => string[] {
  const entries = Object.entries(perFile?.globs ?? {});
  if (entries.length === 0) return () => [];
  const matchers = entries.map(([glob, codes]) => ({ matches: picomatch(glob, { dot: true, basename: !glob.includes('/') }), codes }));
  const base = perFile?.base;
  return (path) => {
    let fromRoot = path.replace(/^\.\//, '');
    if (base) fromRoot = relative(base.root, isAbsolute(path) ? path : resolve(base.cwd, path)).split(sep).join('/');
    return matchers.filter(({ matches }) => matches(fromRoot)).flatMap(({ codes }) => codes);
  };
}
