// `blocking_calls` in the config: the project's own blocking functions reach the analyzer, and only
// blocking-configured-call reports them, in coroutines.
import { describe, expect, it } from 'vitest';
import { findRule } from '../../rules/index.js';
import { toAnalyzeOptions } from '../../src/config/index.js';
import { parseConfig } from '../../src/config/parse.js';
import { findingsIn } from '../helpers/analyze.js';

describe('blocking_calls', () => {
  it('maps qualified names to advice in the project knowledge', () => {
    const parsed = parseConfig('blocking_calls:\n  mycorp.db.query: use mycorp.adb.query\n  "mycorp.sdk.*": use the async SDK\n');
    if (!parsed.ok) throw new Error(parsed.error);
    expect(toAnalyzeOptions(parsed.config).project?.blockingCalls).toEqual({ 'mycorp.db.query': 'use mycorp.adb.query', 'mycorp.sdk.*': 'use the async SDK' });
  });

  it('leaves the project knowledge alone without the key, and rejects advice that is not text', () => {
    const parsed = parseConfig('rules:\n  blocking-sleep: off\n');
    if (!parsed.ok) throw new Error(parsed.error);
    expect(toAnalyzeOptions(parsed.config).project?.blockingCalls).toBeUndefined();
    const wrong = parseConfig('blocking_calls:\n  mycorp.db.query: [1, 2]\n');
    expect(wrong.ok).toBe(false);
  });

  it('feeds blocking-configured-call', async () => {
    const parsed = parseConfig('blocking_calls:\n  mycorp.db.query: use mycorp.adb.query\n');
    if (!parsed.ok) throw new Error(parsed.error);
    const source = 'from mycorp import db\n\n\nasync def handle():\n    return db.query(1)\n';
    const findings = await findingsIn(source, { ...toAnalyzeOptions(parsed.config), rules: [findRule('blocking-configured-call')!], path: 'app/handler.py' });
    expect(findings.map((f) => [f.line, f.message])).toEqual([[5, '`db.query(1)` blocks the event loop in coroutine `handle` (`mycorp.db.query` is listed in `blocking_calls`): use mycorp.adb.query']]);
  });
});
