// Each rule has a fixture module, test/fixtures/rules/NAME.py, full of cases. A line ending in
// `# expect: NAME` must be reported by that rule (at that start line); every other line must not be.
// Look-alikes (shadowed names, nested sync defs, other libraries) sit beside the real cases. Variants,
// NAME.VARIANT.py, hold cases that need a module of their own: trio or anyio code, a project on an older
// Python (declared on their first line; see test/helpers/fixtures.ts).
import { describe, expect, it } from 'vitest';
import { allRules } from '../../rules/index.js';
import { findingsIn } from '../helpers/analyze.js';
import { fixturesOf } from '../helpers/fixtures.js';

describe.each(allRules.map((rule) => [rule.name, rule] as const))('%s fixture', (name, rule) => {
  const fixtures = fixturesOf(name);

  it('has a fixture with cases to report and look-alikes to leave alone', () => {
    const main = fixtures.find((fixture) => fixture.main);
    expect(main, `missing test/fixtures/rules/${name}.py`).toBeDefined();
    expect(main!.text).toContain(`# expect: ${name}`);
  });

  it.each(fixtures.map((fixture) => [fixture.file, fixture] as const))('%s: reports exactly the marked lines', async (_file, { text, path, options }) => {
    const expected = text.split('\n').flatMap((line, index) =>
      new RegExp(`#.*expect:[^#]*\\b${name}\\b`).test(line) ? [index + 1] : []);
    const findings = await findingsIn(text, { ...options, rules: [rule], path });
    const reported = [...new Set(findings.map((f) => f.line))];
    const missing = expected.filter((line) => !reported.includes(line)).map((line) => `${line}: ${text.split('\n')[line - 1].trim()}`);
    const noisy = findings.filter((f) => !expected.includes(f.line)).map((f) => `${f.line}: ${f.message}`);
    expect({ Missing: missing, Noisy: noisy }).toEqual({ Missing: [], Noisy: [] });
  });
});
