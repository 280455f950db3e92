// Which names `rules:` in the config may use.
// TODO(wire): validate against `allRules` from rules/index.ts once it lands; until then any plausible
// rule name (kebab-case) or linter code (ASYNC251, RUF006, PLE1142) is accepted.

const RULE_NAME = /^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/;
const LINTER_CODE = /^[A-Z]+[0-9]+$/;

/** Returns null when `name` is a known rule name or alias, else why it is not. */
export function checkRuleName(name: string): string | null {
  if (RULE_NAME.test(name) || LINTER_CODE.test(name)) return null;
  return `unknown rule "${name}" (rule names are kebab-case, e.g. blocking-sleep, or a code such as ASYNC251)`;
}
