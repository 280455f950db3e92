// Which names `rules:` in the config may use (the catalog's rule names and their aliases), and which selectors
// `per-file-ignores`, `--select` and `--ignore` may use (those, or an alias prefix such as `ASYNC2`).
import { allRules, findRule } from '../../rules/index.js';
import { selectsAnyRule } from '../analyzer/selection.js';

/** Returns null when `name` is a known rule name or alias, else why it is not (with the closest name). */
export function checkRuleName(name: string): string | null {
  if (findRule(name)) return null;
  const closest = closestName(name);
  return `unknown rule "${name}"${closest ? ` (did you mean "${closest}"?)` : ''}; \`async-review rules\` lists them`;
}

/** Returns null when `selector` selects at least one rule (a name, an alias or an alias prefix), else why not. */
export function checkRuleSelector(selector: string): string | null {
  if (selectsAnyRule(allRules, selector)) return null;
  return checkRuleName(selector) ?? `"${selector}" selects no rule`;
}

function closestName(name: string): string | undefined {
  const candidates = allRules.flatMap((rule) => [rule.name, ...rule.aliases]);
  let best: { candidate: string; distance: number } | undefined;
  for (const candidate of candidates) {
    const distance = editDistance(name.toLowerCase(), candidate.toLowerCase());
    if (!best || distance < best.distance) best = { candidate, distance };
  }
  return best && best.distance <= Math.max(2, Math.floor(name.length / 4)) ? best.candidate : undefined;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length];
}
