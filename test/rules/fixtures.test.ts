// Each rule has a fixture module, test/fixtures/rules/NAME.py, full of cases. A line ending in
// `# expect: NAME` must be reported by that rule (at that start line); every other line must not be.
// Look-alikes (shadowed names, nested sync defs, other libraries) sit beside the real cases.
import { readFileSync, existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { allRules } from '../../rules/index.js';
import { exampleModulePath, exampleProject, findingsIn } from '../helpers/analyze.js';

const fixturePath = (name: string) => new URL(`../fixtures/rules/${name}.py`, import.meta.url);

describe.each(allRules.map((rule) => [rule.name, rule] as const))('%s fixture', (name, rule) => {
  it('has a fixture with cases to report and look-alikes to leave alone', () => {
    expect(existsSync(fixturePath(name)), `missing test/fixtures/rules/${name}.py`).toBe(true);
    const text = readFileSync(fixturePath(name), 'utf8');
    expect(text).toContain(`# expect: ${name}`);
  });

  it('reports exactly the marked lines', async () => {
    if (!existsSync(fixturePath(name))) return;
    const text = readFileSync(fixturePath(name), 'utf8');
    const expected = text.split('\n').flatMap((line, index) =>
      new RegExp(`#.*expect:[^#]*\\b${name}\\b`).test(line) ? [index + 1] : []);
    const findings = await findingsIn(text, { rules: [rule], path: exampleModulePath(name), project: exampleProject(name) });
    const reported = [...new Set(findings.map((f) => f.line))];
    const missing = expected.filter((line) => !reported.includes(line)).map((line) => `${line}: ${text.split('\n')[line - 1].trim()}`);
    const noisy = findings.filter((f) => !expected.includes(f.line)).map((f) => `${f.line}: ${f.message}`);
    expect({ Missing: missing, Noisy: noisy }).toEqual({ Missing: [], Noisy: [] });
  });
});
