// Every rule's documented examples are tests: `bad` must be reported ("Missing" otherwise), `good` must
// not ("Noisy" otherwise), and a mechanical fix applied to `bad` must leave nothing for the rule to report.
import { describe, expect, it } from 'vitest';
import { allRules } from '../../rules/index.js';
import { applyFixes, exampleModulePath, exampleProject, findingsIn } from '../helpers/analyze.js';

describe.each(allRules.map((rule) => [rule.name, rule] as const))('%s', (_name, rule) => {
  it('reports its bad example', async () => {
    const findings = await findingsIn(rule.bad, { rules: [rule], path: exampleModulePath(rule.name), project: exampleProject(rule.name) });
    expect(findings.length, `Missing: ${rule.name} does not report its bad example`).toBeGreaterThan(0);
  });

  it('does not report its good example', async () => {
    const findings = await findingsIn(rule.good, { rules: [rule], path: exampleModulePath(rule.name), project: exampleProject(rule.name) });
    expect(findings.map((f) => `${f.line}: ${f.message}`), `Noisy: ${rule.name} reports its good example`).toEqual([]);
  });

  it('documents itself', () => {
    expect(rule.name).toMatch(/^[a-z]+(-[a-z]+)*$/);
    for (const field of ['what', 'why', 'bad', 'good'] as const) expect(rule[field].trim(), field).not.toBe('');
    expect(rule.bad).not.toBe(rule.good);
  });

  it.runIf(rule.fix !== undefined)('fixes its bad example mechanically', async () => {
    const findings = await findingsIn(rule.bad, { rules: [rule], path: exampleModulePath(rule.name), project: exampleProject(rule.name) });
    expect(findings.some((f) => f.fix), `${rule.name} documents a fix but offers none for its bad example`).toBe(true);
    const fixed = applyFixes(rule.bad, findings);
    expect(await findingsIn(fixed, { rules: [rule], path: exampleModulePath(rule.name), project: exampleProject(rule.name) })).toEqual([]);
  });
});
