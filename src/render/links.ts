// Where the rule documentation lives: docs/rules/NAME.md in async-review's own repository, unless DOCS_URL
// points elsewhere (a fork, a mirror on GitHub Enterprise, an internal docs site).
export const RULE_DOCS_BASE_URL = 'https://github.com/async-review/async-review/blob/main/docs/rules';

/** Where `{rule}` appears in DOCS_URL, the rule's name goes; otherwise `/NAME.md` is appended. */
export const RULE_PLACEHOLDER = '{rule}';

/**
 * The rule docs' location from DOCS_URL: an http(s) URL, either the folder holding NAME.md
 * (`https://ghe.example.com/tools/async-review/blob/v1/docs/rules`) or a pattern with `{rule}`
 * (`https://docs.example.com/async-review/{rule}.html`). Unset or empty: async-review's own docs/rules/.
 * Throws on anything else, so a typo is said rather than turned into broken links.
 */
export function ruleDocsLocation(env: NodeJS.ProcessEnv = process.env): string {
  const configured = env.DOCS_URL?.trim();
  if (!configured) return RULE_DOCS_BASE_URL;
  let url: URL;
  try {
    url = new URL(configured.replace(RULE_PLACEHOLDER, 'rule'));
  } catch {
    throw new Error(`DOCS_URL is not a URL: ${JSON.stringify(configured)} (expected https://…/docs/rules, or a URL with ${RULE_PLACEHOLDER})`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new Error(`DOCS_URL must be an http(s) URL, not ${url.protocol} (${JSON.stringify(configured)})`);
  }
  return configured.includes(RULE_PLACEHOLDER) ? configured : configured.replace(/\/+$/, '');
}

export function ruleDocsUrl(ruleName: string, env: NodeJS.ProcessEnv = process.env): string {
  const location = ruleDocsLocation(env);
  const name = encodeURIComponent(ruleName);
  return location.includes(RULE_PLACEHOLDER) ? location.split(RULE_PLACEHOLDER).join(name) : `${location}/${name}.md`;
}
