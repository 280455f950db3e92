// The seed guide (shared/seed/async-python-patterns.md) is what our users write: its correct patterns must
// get no finding at all, and the pitfalls it warns about must each be reported by the right rule.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { allRules, analyzeFiles } from '../../src/analyzer/index.js';

const fixture = (name: string) => readFileSync(new URL(`../fixtures/seed/${name}`, import.meta.url), 'utf8');
/** Every rule, also those off by default (each at its own severity). */
const everyRule = { ruleSettings: Object.fromEntries(allRules.filter((rule) => rule.defaultEnabled === false).map((rule) => [rule.name, rule.severity])) };

describe('the seed guide', () => {
  it.each(['correct_patterns.py', 'test_seed_tests.py'])('%s: correct patterns get no finding from any rule', async (name) => {
    const result = await analyzeFiles([{ path: `tests/${name}`, content: fixture(name) }], everyRule);
    expect(result.findings.map((f) => `${f.line} ${f.rule}: ${f.message}`)).toEqual([]);
    expect(result.problems).toEqual([]);
  });

  it('pitfalls are each reported by the rule named on their line', async () => {
    const text = fixture('pitfalls.py');
    const expected = text.split('\n').flatMap((line, index) => {
      const rule = /# expect: ([\w-]+)/.exec(line)?.[1];
      return rule ? [`${index + 1} ${rule}`] : [];
    });
    const result = await analyzeFiles([{ path: 'pitfalls.py', content: text }], everyRule);
    expect(result.findings.map((f) => `${f.line} ${f.rule}`).sort()).toEqual(expected.sort());
  });
});
