// Small helpers to print tables and figures the same way everywhere in BENCHMARKS.md.
export function table(header: string[], rows: (string | number)[][]): string {
  const line = (cells: (string | number)[]) => `| ${cells.map(String).join(" | ")} |`;
  return [line(header), line(header.map(() => "---")), ...rows.map(line)].join("\n");
}

export const seconds = (ms: number): string => (Number.isFinite(ms) ? `${(ms / 1000).toFixed(2)} s` : "n/a");
export const millis = (ms: number): string => (Number.isFinite(ms) ? `${ms < 10 ? ms.toFixed(2) : ms.toFixed(0)} ms` : "n/a");
export const mb = (value: number): string => (Number.isFinite(value) ? `${value.toFixed(0)} MB` : "n/a");
export const ratio = (value: number | undefined): string => (value !== undefined && Number.isFinite(value) ? `${value.toFixed(2)}×` : "n/a");

/** "met" or "missed by X" for a figure that must stay at or under its target. */
export function verdict(value: number | undefined, target: number, format: (v: number) => string): string {
  if (value === undefined || !Number.isFinite(value)) return "not measured";
  return value <= target ? `**met** (${format(value)} ≤ ${format(target)})` : `**missed** by ${format(value - target)} (${format(value)} > ${format(target)})`;
}
