import type { Node } from 'web-tree-sitter';
import { defineRule } from '../src/analyzer/rule.js';
import type { FunctionInfo, SemanticModel } from '../src/analyzer/model/semantic-model.js';
import { callSnippet } from './support/calls.js';
import { assignsAttribute } from './support/rebound-names.js';

export default defineRule({
  name: 'await-sync-function',
  aliases: [],
  severity: 'error',
  scope: 'coroutine',
  what: 'Reports `await f(...)` where the module defines `f` as a plain, undecorated `def` that returns nothing (no `return` with a value, no `yield`): the call runs to its end synchronously and gives None, and awaiting None raises TypeError. Methods are found through `self` and `cls`; a method another class of the module defines with `async def` (a subclass that overrides it) and placeholder bodies (`pass`, `...`, a docstring, `raise NotImplementedError`) are left alone.',
  why: '`await` needs an awaitable: `await self.save()` on a sync `save` that returns None raises "object NoneType can\'t be used in \'await\' expression" after `save` has already run, so the coroutine fails at a line that looks right. Usually `save` was meant to be `async def`, or the `await` is left over from when it was.',
  bad: `import json


class Store:
    def save(self, record):
        with open("store.json", "a") as handle:
            handle.write(json.dumps(record))

    async def handle(self, record):
        await self.save(record)
`,
  good: `import json


class Store:
    def save(self, record):
        with open("store.json", "a") as handle:
            handle.write(json.dumps(record))

    async def handle(self, record):
        self.save(record)
`,
  query: '(await (call) @call)',
  check({ call }, { model, report }) {
    const fn = syncFunctionReturningNothing(call, model);
    if (!fn) return;
    report(call.parent!, `\`${fn.name}\` is a plain \`def\` that returns None, so \`await ${callSnippet(call)}\` raises TypeError (after \`${fn.name}\` has run) in ${model.describeContext(call)}; drop the \`await\`, or make \`${fn.name}\` an \`async def\` if it should wait for something`);
  },
});

/** The module's plain `def` that the call calls, when it returns nothing and is not a placeholder. */
function syncFunctionReturningNothing(call: Node, model: SemanticModel): FunctionInfo | null {
  const callee = model.callee(call);
  const fn = callee ? model.definition(callee) : undefined;
  if (!fn || !('isAsync' in fn) || fn.isAsync || fn.isGenerator || fn.isLambda || fn.decorators.length > 0) return null;
  // A subclass (or sibling) here may override it with a coroutine: `await self.save()` then means that one.
  if (fn.ownerClass && model.classes.some((cls) => cls !== fn.ownerClass && cls.methods.has(fn.name) && cls.methods.get(fn.name)!.isAsync)) return null;
  // `self.save = other` anywhere in the module may replace the method on the instance.
  if (fn.ownerClass && assignsAttribute(model.source.text, fn.name)) return null;
  return returnsNothing(fn, model) ? fn : null;
}

const returnsNothingCache = new WeakMap<FunctionInfo, boolean>();

/** No `return` with a value in the function's own body, which is not a placeholder (asked once per function:
 *  a module may await the same helper many times). */
function returnsNothing(fn: FunctionInfo, model: SemanticModel): boolean {
  let answer = returnsNothingCache.get(fn);
  if (answer === undefined) {
    const body = fn.node.childForFieldName('body');
    answer = !!body && !isPlaceholder(body) && !body.descendantsOfType('return_statement').some((statement) =>
      !!statement && model.enclosingFunction(statement) === fn && statement.namedChildren.some((child) => child?.type !== 'comment' && child?.type !== 'none'));
    returnsNothingCache.set(fn, answer);
  }
  return answer;
}

/** `pass`, `...`, a docstring or `raise ...` alone: a stub that something else replaces. */
function isPlaceholder(body: Node): boolean {
  return body.namedChildren.every((statement) => !statement || statement.type === 'comment' || statement.type === 'pass_statement'
    || statement.type === 'raise_statement'
    || (statement.type === 'expression_statement' && ['string', 'ellipsis'].includes(statement.namedChildren[0]?.type ?? '')));
}
