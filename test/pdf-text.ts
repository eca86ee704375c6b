import { inflateSync } from 'node:zlib';

/*
 * The text of a PDF that core/pdf.ts wrote, for tests (Vitest and Playwright):
 * enough to check that a file contains the figures, not a PDF parser.
 */

/** Windows-1252 between 0x80 and 0x9f (Node's TextDecoder gives C1 controls there); Latin-1 elsewhere. */
const CP1252_HIGH = '€\u0081‚ƒ„…†‡ˆ‰Š‹Œ\u008dŽ\u008f\u0090‘’“”•–—˜™š›œ\u009džŸ';

function decodeWinAnsi(bytes: Buffer): string {
  return [...bytes]
    .map((b) => (b >= 0x80 && b <= 0x9f ? (CP1252_HIGH[b - 0x80] ?? '') : String.fromCharCode(b)))
    .join('');
}

/**
 * The text a PDF shows: every content stream (inflated when compressed), each
 * TJ array's hex strings decoded from WinAnsi and joined, one line per TJ.
 */
export function pdfText(pdf: Buffer): string {
  const raw = pdf.toString('latin1');
  const lines: string[] = [];
  for (const m of raw.matchAll(/<<([^<>]*)>>\s*stream\r?\n/g)) {
    const start = (m.index ?? 0) + m[0].length;
    const length = /\/Length (\d+)(?!\s+\d+\s+R)/.exec(m[1] ?? '');
    const end = length ? start + Number(length[1]) : raw.indexOf('endstream', start);
    let bytes: Buffer = pdf.subarray(start, end);
    if ((m[1] ?? '').includes('/FlateDecode')) {
      try {
        bytes = inflateSync(bytes);
      } catch {
        continue;
      }
    }
    const content = bytes.toString('latin1');
    for (const tj of content.matchAll(/\[((?:<[0-9a-fA-F]*>|[-\d.\s])*)\]\s*TJ/g))
      lines.push(
        [...(tj[1] ?? '').matchAll(/<([0-9a-fA-F]*)>/g)]
          .map((h) => decodeWinAnsi(Buffer.from(h[1] ?? '', 'hex')))
          .join(''),
      );
  }
  return lines.join('\n');
}
