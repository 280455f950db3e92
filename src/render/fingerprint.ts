// A finding's identity across pushes: rule + path + offending code (whitespace collapsed) + which
// occurrence of identical code it is. Never line numbers, so code moving down a file keeps its identity.
import { createHash } from 'node:crypto';
import type { Finding } from '../analyzer/types.js';

const MARKER = /<!-- async-review:fp=([0-9a-f]{20}) -->/;

/** Fingerprints of `findings`, in the same order. */
export function fingerprintFindings(findings: readonly Finding[]): string[] {
  const order = findings
    .map((finding, index) => ({ finding, index }))
    .sort((a, b) => a.finding.line - b.finding.line || a.finding.column - b.finding.column);
  const seen = new Map<string, number>();
  const result: string[] = new Array(findings.length);
  for (const { finding, index } of order) {
    const identity = [finding.rule, finding.path, finding.code.replace(/\s+/g, ' ').trim()].join('\0');
    const occurrence = seen.get(identity) ?? 0;
    seen.set(identity, occurrence + 1);
    result[index] = createHash('sha256').update(`${identity}\0${occurrence}`).digest('hex').slice(0, 20);
  }
  return result;
}

/** The hidden marker a comment carries so later runs recognise it. */
export function fingerprintMarker(fingerprint: string): string {
  return `<!-- async-review:fp=${fingerprint} -->`;
}

export function extractFingerprint(commentBody: string): string | null {
  return MARKER.exec(commentBody)?.[1] ?? null;
}
