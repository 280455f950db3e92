// Applying findings' fixes to a file's bytes: each fix replaces whole lines `line..endLine` (numbered as the
// analyzer numbers them: a line ends at \n, \r\n or a lone \r). Fixes that overlap one already taken wait for
// the next round (the caller re-analyzes); every byte outside the replaced lines is kept as it was (other
// lines' encoding, a BOM, each line's own line end).
import type { Fix } from '../analyzer/types.js';

const BOM = Buffer.from([0xef, 0xbb, 0xbf]);
const decoder = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true });

interface Line {
  /** Byte offsets of the text and of the end of its line end (\n, \r\n, \r or nothing at the end of the file). */
  start: number;
  textEnd: number;
  end: number;
}

function splitLines(bytes: Buffer): Line[] {
  const lines: Line[] = [];
  let start = 0;
  for (let index = 0; index < bytes.length; index++) {
    const byte = bytes[index];
    if (byte !== 0x0a && byte !== 0x0d) continue;
    const end = byte === 0x0d && bytes[index + 1] === 0x0a ? index + 2 : index + 1;
    lines.push({ start, textEnd: index, end });
    start = end;
    index = end - 1;
  }
  lines.push({ start, textEnd: bytes.length, end: bytes.length });
  return lines;
}

export interface AppliedFixes {
  content: Buffer;
  /** The fixes taken (a fix equal to one taken counts too: two findings asking for the same change). */
  applied: Fix[];
}

export function applyFixes(content: Uint8Array, fixes: readonly Fix[]): AppliedFixes {
  const bytes = Buffer.from(content.buffer, content.byteOffset, content.byteLength);
  const lines = splitLines(bytes);
  const hasBom = bytes.subarray(0, 3).equals(BOM);
  const textOf = (from: number, to: number) => {
    const start = from === 0 && hasBom ? 3 : lines[from]!.start;
    return decoder.decode(bytes.subarray(start, lines[to]!.textEnd)).split(/\r\n|\r|\n/).join('\n');
  };
  const taken: Fix[] = [];
  const applied: Fix[] = [];
  const sorted = [...fixes].sort((a, b) => a.line - b.line || a.endLine - b.endLine);
  for (const fix of sorted) {
    const last = taken.at(-1);
    if (last && last.line === fix.line && last.endLine === fix.endLine && last.replacement === fix.replacement) {
      applied.push(fix);
      continue;
    }
    if (fix.line < 1 || fix.endLine < fix.line || fix.endLine > lines.length || (last && fix.line <= last.endLine)) continue;
    if (textOf(fix.line - 1, fix.endLine - 1) === fix.replacement) continue; // nothing would change
    taken.push(fix);
    applied.push(fix);
  }
  if (taken.length === 0) return { content: Buffer.from(bytes), applied: [] };
  const firstLineEnd = lines.find((line) => line.end > line.textEnd);
  const fileLineEnd = firstLineEnd ? bytes.subarray(firstLineEnd.textEnd, firstLineEnd.end) : Buffer.from('\n');
  const pieces: Buffer[] = [];
  let next = 0; // the first line not yet copied (0-based)
  for (const fix of taken) {
    const from = fix.line - 1;
    const to = fix.endLine - 1;
    pieces.push(bytes.subarray(lines[next]!.start, lines[from]!.start));
    const ownEnd = bytes.subarray(lines[from]!.textEnd, lines[from]!.end);
    const lineEnd = ownEnd.length > 0 ? ownEnd : fileLineEnd;
    if (from === 0 && hasBom) pieces.push(BOM);
    pieces.push(Buffer.from(fix.replacement.split('\n').join(lineEnd.toString('latin1')), 'utf8'));
    pieces.push(bytes.subarray(lines[to]!.textEnd, lines[to]!.end)); // the last replaced line's own end, if any
    next = to + 1;
  }
  if (next < lines.length) pieces.push(bytes.subarray(lines[next]!.start));
  return { content: Buffer.concat(pieces), applied };
}
