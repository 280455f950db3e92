// Lists the Python sources under a folder in a stable order, so every runner sees the same files.
import { readdirSync } from "node:fs";
import { join } from "node:path";

export function listPythonFiles(root: string): string[] {
  const found: string[] = [];
  const walk = (dir: string): void => {
    const entries = readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1));
    for (const entry of entries) {
      const full = join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.isFile() && (entry.name.endsWith(".py") || entry.name.endsWith(".pyi"))) found.push(full);
    }
  };
  walk(root);
  return found;
}
