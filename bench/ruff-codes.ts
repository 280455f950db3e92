// Which rule codes the installed ruff knows: our rules alias flake8-async codes (e.g. ASYNC103) that ruff
// never implemented, and a finding of ours under such a code has nothing on ruff's side to compare with.
import { createRequire } from "node:module";

interface RuffModule { Workspace: new (settings: unknown, positionEncoding: number) => { free(): void }; PositionEncoding: { Utf16: number } }

const ruff = createRequire(import.meta.url)("@astral-sh/ruff-wasm-nodejs") as RuffModule;

export function ruffKnowsCode(code: string): boolean {
  try {
    new ruff.Workspace({ lint: { select: [code] } }, ruff.PositionEncoding.Utf16).free();
    return true;
  } catch {
    return false; // "Unknown rule selector"
  }
}

export const ruffVersion = (): string => (ruff as unknown as { Workspace: { version(): string } }).Workspace.version();
