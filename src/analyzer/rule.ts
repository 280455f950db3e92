// What a rule is. One file per rule in rules/, each exporting a `Rule` built with `defineRule`.
import type { Node } from 'web-tree-sitter';
import type { Severity } from './types.js';
import type { SemanticModel } from './model/semantic-model.js';

/** The captures of one tree-sitter query match, by capture name (first node per name). */
export type Captures = Record<string, Node>;

export interface ReportOptions {
  /** Source text that replaces the reported node (the engine turns it into a whole-line fix). */
  replacement?: string;
  /** Whole-line fix computed by the rule itself (for insertions such as adding `raise`). */
  lineFix?: { line: number; endLine: number; replacement: string };
  /** Report the range from `node` to `endNode` (default: `node`). */
  endNode?: Node;
  /** Which of the rule's aliases this finding answers to (in `--select`, `rules:`, `# noqa`), for a rule whose
   *  aliases cover different cases; null when none of them covers it. Absent: all of them. */
  alias?: string | null;
}

export interface RuleContext {
  readonly model: SemanticModel;
  /** Report a finding at `node`. The message should name the offending call and the enclosing function. */
  report(node: Node, message: string, options?: ReportOptions): void;
}

export interface RuleDocs {
  /** kebab-case, stable: used in config, `# noqa`, fingerprints and docs URLs. */
  name: string;
  /** ruff / flake8-async / pylint codes this rule answers to, so existing `# noqa: ASYNC251` works. */
  aliases: readonly string[];
  severity: Severity;
  /** One sentence: what is reported. */
  what: string;
  /** One or two sentences: why it hurts an asyncio program. */
  why: string;
  /** A complete, minimal module the rule reports. */
  bad: string;
  /** The corrected form of `bad`, which the rule must not report. */
  good: string;
  /** When the rule offers a mechanical fix: what it does. */
  fix?: string;
  /** How the project's target Python (`target-version`, `requires-python`, …) changes what the rule says or
   *  fixes, where it does. */
  targetPython?: string;
  /** The rule reports code that holds up the event loop: it matters only where other work shares the loop, so
   *  the engine drops its findings in tests that start no server or task, in the entry coroutine of a loop of
   *  its own (`asyncio.run(main())`) before it starts anything concurrent, and on a worker thread's own loop
   *  (unless the project's `blocking` settings ask for them). */
  blocksTheLoop?: boolean;
  /** The rule reports a cost paid per request or a failure that surfaces only in a long-running program (a
   *  pool made per call, a task that may be collected or whose error nobody reads): test code does this on
   *  purpose (the one-off executor or background task is the thing under test) and pays nothing for it, so the
   *  engine drops its findings in test code (test modules and folders, `test*` functions, pytest fixtures),
   *  unless the project's `production_only.report_in_tests` asks for them. */
  costsOnlyInProduction?: boolean;
  /** `false`: the rule does not run unless asked for, by a severity in the config's `rules` or by its name or
   *  alias in `--select` (an alias prefix such as `ASYNC` does not turn it on). For rules whose findings real
   *  code too often does not bear out; `note` says why. Absent: the rule runs. */
  defaultEnabled?: false;
  /** More for the docs page: why the rule is off by default, what it cannot tell. */
  note?: string;
}

export interface Rule extends RuleDocs {
  /** Tree-sitter query patterns; `check` runs once per match. All rules' queries run as one query per file. */
  query: string;
  /** 'coroutine': the rule only reports inside `async def`s, so the engine drops its matches elsewhere before
   *  `check` runs (most of a module is synchronous). The rule still checks `model.isInCoroutine`, since a
   *  nested sync def or lambda inside a coroutine is not async context. */
  scope?: 'module' | 'coroutine';
  check(captures: Captures, context: RuleContext): void;
  /** Words the module must say for the rule to report anything in it (the names of the library calls it looks
   *  for): in a module that says none, the engine does not run `check` at all. Only for rules whose every
   *  finding names one of them in the text. */
  mentions?: RegExp;
}

/** The query of rules about calls. Rules whose query text is identical share one set of matches, so every
 *  call-based rule should use exactly this: `check({ call, function }, ...)`. The arguments are not captured
 *  (every capture costs a node crossing out of wasm, and few calls get that far): use
 *  `call.childForFieldName('arguments')`. */
export const CALL_QUERY = '(call function: (_) @function) @call';

export function defineRule(rule: Rule): Rule {
  return rule;
}
