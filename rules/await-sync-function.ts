import type { Node } from 'web-tree-sitter';
import { defineRule } from '../src/analyzer/rule.js';
import { lastPart, type FunctionInfo, type SemanticModel } from '../src/analyzer/model/semantic-model.js';
import { callSnippet } from './support/calls.js';
import { assignsAttribute } from './support/rebound-names.js';
import { returnsNothing } from '../src/analyzer/model/returns-nothing.js';

export default defineRule({
  name: 'await-sync-function',
  aliases: [],
  severity: 'error',
  scope: 'coroutine',
  what: 'Reports `await f(...)` where the module (or, for a module-level function, another module of the project) defines `f` as a plain, undecorated `def` that returns nothing (no `return` with a value, no `yield`): the call runs to its end synchronously and gives None, and awaiting None raises TypeError. Methods are found through `self` and `cls`; a method another class of the module defines with `async def` (a subclass that overrides it) and placeholder bodies (`pass`, `...`, a docstring, `raise NotImplementedError`) are left alone.',
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
    const remote = fn ? null : projectFunctionReturningNothing(call, model);
    const name = fn?.name ?? remote?.name;
    if (!name) return;
    const defined = remote ? ` (${remote.where})` : '';
    report(call.parent!, `\`${name}\` is a plain \`def\` that returns None${defined}, so \`await ${callSnippet(call)}\` raises TypeError (after \`${name}\` has run) in ${model.describeContext(call)}; drop the \`await\`, or make \`${name}\` an \`async def\` if it should wait for something`);
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
  return returnsNothing(fn, (node) => model.enclosingFunction(node)) ? fn : null;
}

/** A module-level function of another project module that returns nothing, as its summary says (`await
 *  notify()` after `notify` became a plain `def` there). Methods are left out: a subclass elsewhere may
 *  override one with a coroutine. */
function projectFunctionReturningNothing(call: Node, model: SemanticModel): { name: string; where: string } | null {
  const callee = model.callee(call);
  const target = callee ? model.projectIndex?.resolve(callee) : null;
  if (target?.kind !== 'function' || target.summary.kind !== 'sync' || !target.summary.returnsNothing) return null;
  if (target.qualifiedName !== `${target.module}.${lastPart(target.qualifiedName)}`) return null;
  const where = model.definedElsewhere(target.qualifiedName);
  return where ? { name: lastPart(target.qualifiedName), where } : null;
}
