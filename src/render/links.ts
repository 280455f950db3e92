// Where the rule documentation lives (docs/rules/NAME.md in async-review's own repository).
export const RULE_DOCS_BASE_URL = 'https://github.com/async-review/async-review/blob/main/docs/rules';

export function ruleDocsUrl(ruleName: string): string {
  return `${RULE_DOCS_BASE_URL}/${encodeURIComponent(ruleName)}.md`;
}
