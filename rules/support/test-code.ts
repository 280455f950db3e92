// Test code: modules pytest collects or that sit in test folders, test functions and pytest fixtures. Tests
// catch on purpose what production code must not (a test that checks its task was cancelled, a fixture that
// tears a server down), and nobody cancels them from outside.
import type { Node } from 'web-tree-sitter';
import { decoratorName, type SemanticModel } from '../../src/analyzer/model/semantic-model.js';

const FIXTURE_DECORATORS: ReadonlySet<string> = new Set(['pytest.fixture', 'pytest_asyncio.fixture']);

/** Is the node in a test module (`tests/...`, `test/...`, `test_*.py`, `*_test.py`, `conftest.py`), or in a
 *  function named `test*` or a pytest fixture (or a function nested in one)? */
export function isTestCode(node: Node, model: SemanticModel): boolean {
  const parts = model.moduleName.split('.');
  const module = parts[parts.length - 1] ?? '';
  if (parts.slice(0, -1).some((part) => part === 'tests' || part === 'test')) return true;
  if (module.startsWith('test_') || module.endsWith('_test') || module === 'conftest') return true;
  for (let fn = model.enclosingFunction(node); fn; fn = fn.node.parent ? model.enclosingFunction(fn.node.parent) : null) {
    if (fn.name.startsWith('test')) return true;
    if (fn.decorators.some((decorator) => FIXTURE_DECORATORS.has(decoratorName(decorator, model) ?? ''))) return true;
  }
  return false;
}
