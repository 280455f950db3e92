// Test code: modules pytest collects or that sit in test folders, test functions and pytest fixtures (and
// functions defined inside them). Tests do on purpose what production code must not (block on a probe, catch
// a cancellation to check it happened, poll the code under test), and nobody else shares their loop unless
// they start a server or task.
import type { Node } from 'web-tree-sitter';
import type { SemanticModel } from './semantic-model.js';
import { decoratorName } from './name-resolution.js';

const FIXTURE_DECORATORS: ReadonlySet<string> = new Set(['pytest.fixture', 'pytest_asyncio.fixture']);

/** `tests/...`, `test/...`, `test_*.py`, `*_test.py`, `conftest.py` (dotted module names). */
export function isTestModuleName(moduleName: string): boolean {
  const parts = moduleName.split('.');
  const module = parts[parts.length - 1] ?? '';
  if (parts.slice(0, -1).some((part) => part === 'tests' || part === 'test')) return true;
  return module.startsWith('test_') || module.endsWith('_test') || module === 'conftest';
}

/** Is the node in a function named `test*` or a pytest fixture, or in a function nested in one? */
export function isInTestFunction(node: Node, model: SemanticModel): boolean {
  for (let fn = model.enclosingFunction(node); fn; fn = fn.node.parent ? model.enclosingFunction(fn.node.parent) : null) {
    if (fn.name.startsWith('test')) return true;
    if (fn.decorators.some((decorator) => FIXTURE_DECORATORS.has(decoratorName(decorator, model) ?? ''))) return true;
  }
  return false;
}

/** Is the node in a test module, or in a test function or fixture anywhere? */
export function isTestCode(node: Node, model: SemanticModel): boolean {
  return isTestModuleName(model.moduleName) || isInTestFunction(node, model);
}
