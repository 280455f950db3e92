import type { Node } from 'web-tree-sitter';
import { defineRule } from '../src/analyzer/rule.js';
import { decoratorName, type FunctionInfo, type SemanticModel } from '../src/analyzer/model/semantic-model.js';
import { TRANSPARENT_DECORATORS } from '../src/analyzer/model/known-apis.js';
import { assignsAttribute, rebindsName } from './support/rebound-names.js';

export default defineRule({
  name: 'await-uncalled-function',
  aliases: [],
  severity: 'error',
  scope: 'coroutine',
  what: 'Reports `await` of a coroutine function itself rather than of a call of it: `await self.close`, `await flush`, where the module defines `close` / `flush` as an undecorated `async def` (methods through `self` and `cls`). A name the function is rebound to, an attribute the class also assigns (`self.close = ...`) and a decorated function (a `@property` gives a value) are left alone.',
  why: 'A function is not awaitable: `await self.close` raises TypeError ("object method can\'t be used in \'await\' expression") when it runs, and the function never runs. It reads like the call it was meant to be, so it survives review.',
  bad: `import asyncio


class Connection:
    async def close(self):
        await asyncio.sleep(0)

    async def stop(self):
        await self.close
`,
  good: `import asyncio


class Connection:
    async def close(self):
        await asyncio.sleep(0)

    async def stop(self):
        await self.close()
`,
  fix: 'Adds `()` when the function needs no argument (besides `self` or `cls`); otherwise the message asks for the call.',
  query: `
(await (identifier) @reference)
(await (attribute) @reference)
`,
  check({ reference }, { model, report }) {
    const fn = coroutineFunctionNamed(reference, model);
    if (!fn) return;
    const callable = takesNoArguments(fn);
    report(reference.parent!, `\`${reference.text}\` is the coroutine function \`${fn.name}\` itself, not a call of it: awaiting it raises TypeError and \`${fn.name}\` never runs (${model.describeContext(reference)}); ${callable ? `write \`await ${reference.text}()\`` : `call it: \`await ${reference.text}(...)\``}`, {
      replacement: callable ? `await ${reference.text}()` : undefined,
    });
  },
});

/** The undecorated `async def` (not an async generator) that `reference` names, or null. */
function coroutineFunctionNamed(reference: Node, model: SemanticModel): FunctionInfo | null {
  const name = model.qualifiedName(reference);
  const fn = name ? model.definition(name) : undefined;
  if (!fn || !('isAsync' in fn) || !fn.isAsync || fn.isGenerator || fn.isLambda) return null;
  if (fn.decorators.some((decorator) => !TRANSPARENT_DECORATORS.has(decoratorName(decorator, model) ?? ''))) return null;
  if (reference.type === 'attribute') {
    // `self.close = other` anywhere in the module may replace the method on the instance.
    if (assignsAttribute(model.source.text, reference.childForFieldName('attribute')?.text ?? '')) return null;
  } else if (rebindsName(model.source.text, fn.name)) return null;
  return fn;
}

/** Can the function be called with no argument (besides the `self`/`cls` a method is bound to)? */
function takesNoArguments(fn: FunctionInfo): boolean {
  const parameters = fn.node.childForFieldName('parameters')?.namedChildren.filter((p): p is Node => !!p && p.type !== 'comment') ?? [];
  const bound = fn.ownerClass && !fn.decorators.length ? parameters.slice(1) : parameters;
  return bound.every((parameter) => parameter.type !== 'identifier' && parameter.type !== 'typed_parameter');
}
