// The rule documentation tree (docs/rules/): one page per rule, rendered from the rule itself, and an
// index. Pure, so a test can regenerate it in memory and compare it with the committed files.
import type { RuleDocs } from '../analyzer/rule.js';
import { renderRuleDoc } from '../render/rule-doc.js';

export const RULE_DOCS_DIR = 'docs/rules';
export const RULE_DOCS_INDEX = 'README.md';

/** File name (relative to docs/rules) → content. */
export function renderRuleDocs(rules: readonly RuleDocs[]): Map<string, string> {
  const files = new Map<string, string>();
  for (const rule of rules) files.set(`${rule.name}.md`, renderRuleDoc(rule));
  files.set(RULE_DOCS_INDEX, renderIndex(rules));
  return files;
}

function renderIndex(rules: readonly RuleDocs[]): string {
  const rows = rules.map((rule) =>
    [
      `[${rule.name}](${rule.name}.md)`,
      rule.aliases.map((alias) => `\`${alias}\``).join(' '),
      rule.defaultEnabled === false ? `${rule.severity} (off by default)` : rule.severity,
      rule.fix ? 'yes' : '',
      rule.what,
    ]
      .map(tableCell)
      .join(' | '),
  );
  return [
    '# Rules',
    '',
    `async-review has ${rules.length} rules. Each page says what the rule reports, why it hurts an asyncio program,`,
    'and shows the corrected form. Aliases are the ruff / flake8-async / pylint codes the rule answers to in',
    '`# noqa`. "Fix" marks rules whose corrected form is offered as a one-click suggestion. A rule "off by default"',
    'runs only when `.github/async-review.yml` gives it a severity or `--select` names it.',
    '',
    'Generated from `rules/` by `npm run docs`; a test fails when these pages are out of date.',
    '',
    '| Rule | Aliases | Severity | Fix | What it reports |',
    '| --- | --- | --- | --- | --- |',
    ...rows.map((row) => `| ${row} |`),
    '',
  ].join('\n');
}

function tableCell(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').replace(/\|/g, '\\|');
}
