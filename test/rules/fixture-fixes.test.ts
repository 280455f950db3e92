// A suggestion is applied with one click, so every fix the fixtures provoke must leave valid Python that the
// rule no longer reports there: applied one at a time (as a reviewer would), the fixed module
// parses without a new syntax error and that finding is gone.
import { readFileSync, existsSync } from 'node:fs';
import type { Node } from 'web-tree-sitter';
import { describe, expect, it } from 'vitest';
import { allRules } from '../../rules/index.js';
import { loadPythonParser } from '../../src/analyzer/parser.js';
import { applyFixes, findingsIn } from '../helpers/analyze.js';
import { RULE_PROJECTS } from '../helpers/rule-projects.js';

const fixturePath = (name: string) => new URL(`../fixtures/rules/${name}.py`, import.meta.url);

/** ERROR and MISSING nodes: a count, since a fix may move later lines. */
async function syntaxErrorCount(source: string): Promise<number> {
  const parser = await loadPythonParser();
  const tree = parser.parse(source);
  try {
    let count = 0;
    const visit = (node: Node) => {
      if (!node.hasError) return;
      if (node.isError || node.isMissing) count++;
      for (const child of node.children) if (child) visit(child);
    };
    visit(tree.rootNode);
    return count;
  } finally {
    tree.delete();
  }
}

const withFixes = allRules.filter((rule) => rule.fix !== undefined && existsSync(fixturePath(rule.name)));

describe.each(withFixes.map((rule) => [rule.name, rule] as const))('%s fixture fixes', (name, rule) => {
  it('each leaves valid Python that the rule accepts', async () => {
    const path = `tests/test_${name.replace(/-/g, '_')}.py`;
    const source = readFileSync(fixturePath(name), 'utf8');
    const findings = await findingsIn(source, { rules: [rule], path, project: RULE_PROJECTS[rule.name] });
    const fixed = findings.filter((f) => f.fix);
    expect(fixed.length, `${name}: the fixture provokes no fix`).toBeGreaterThan(0);
    const problems: string[] = [];
    const errorsBefore = await syntaxErrorCount(source);
    for (const finding of fixed) {
      const after = applyFixes(source, [finding]);
      const { replacement } = finding.fix!;
      if ((await syntaxErrorCount(after)) > errorsBefore) problems.push(`line ${finding.line}: the fix makes a syntax error\n${replacement}`);
      // The finding is gone and nothing took its place (the module's other findings stay).
      const again = await findingsIn(after, { rules: [rule], path, project: RULE_PROJECTS[rule.name] });
      if (again.length >= findings.length) problems.push(`line ${finding.line}: the fix does not settle the finding\n${replacement}`);
    }
    expect(problems).toEqual([]);
  });
});
