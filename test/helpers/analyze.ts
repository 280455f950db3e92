import { expect } from 'vitest';
import { RULE_PROJECTS } from './rule-projects.js';
import { analyzeFiles, createEngine } from '../../src/analyzer/index.js';
import type { Rule } from '../../src/analyzer/rule.js';
import type { AnalyzeOptions, Finding, ProjectKnowledge } from '../../src/analyzer/types.js';

/** Findings for one in-memory module, optionally with only the given rules (which then run even when they are
 *  off by default, as if `--select` named them). */
export async function findingsIn(source: string, options: AnalyzeOptions & { path?: string; rules?: readonly Rule[] } = {}): Promise<Finding[]> {
  if (options.rules && !options.select) options = { ...options, select: options.rules.map((rule) => rule.name) };
  const engine = await createEngine(options, options.rules);
  const result = await analyzeFiles([{ path: options.path ?? 'example.py', content: source }], options, engine);
  return result.findings;
}

/** Apply whole-line fixes (non-overlapping, as the engine produces them) to a source text. */
export function applyFixes(source: string, findings: readonly Finding[]): string {
  const lines = source.split('\n');
  const fixes = findings.flatMap((f) => (f.fix ? [f.fix] : [])).sort((a, b) => b.line - a.line);
  let lastStart = Infinity;
  for (const fix of fixes) {
    if (fix.endLine >= lastStart) continue; // overlapping: keep the later one only
    lines.splice(fix.line - 1, fix.endLine - fix.line + 1, ...fix.replacement.split('\n'));
    lastStart = fix.line;
  }
  return lines.join('\n');
}

/** `body` (the lines after `header`) once the rules' fixes are applied to `header + body`; the case must be
 *  reported, and the fixes never touch the header. */
export async function fixedBody(header: string, body: string, rules: readonly Rule[], options: AnalyzeOptions = {}): Promise<string> {
  const source = `${header}${body}\n`;
  const findings = await findingsIn(source, { ...options, rules });
  expect(findings.length, 'the case must be reported').toBeGreaterThan(0);
  return applyFixes(source, findings).slice(header.length).trimEnd();
}

/** Where a rule's examples and fixture are analyzed: application code, where blocking the loop matters; the
 *  rule about async tests sees a test module. */
export function exampleModulePath(ruleName: string): string {
  const stem = ruleName.replace(/-/g, '_');
  return ruleName === 'async-test-without-runner' ? `tests/test_${stem}.py` : `app/${stem}.py`;
}

/** What the project's config says for a rule's examples and fixture: the rule that reports the project's own
 *  blocking calls needs some listed (its examples and fixture name `mycorp.db.*`). */
export function exampleProject(ruleName: string): ProjectKnowledge | undefined {
  return ruleName === 'blocking-configured-call'
    ? { blockingCalls: { 'mycorp.db.query': 'use `await mycorp.adb.query(...)`', 'mycorp.sdk.*': 'use mycorp.asdk', 'mycorp.Client.fetch': '' } }
    : RULE_PROJECTS[ruleName];
}
