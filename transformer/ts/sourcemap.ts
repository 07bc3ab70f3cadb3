// Source maps of rewritten files point into the file as written. TypeScript maps the emitted
// code to the rewritten text; lines are the same (the rewrite keeps line breaks), columns after
// an edit on a line are not. This moves every mapped column back through the edits and puts the
// original text into sourcesContent.

import type { TextEdit } from "../core/positions.js";
import { toOriginal } from "../core/positions.js";

const B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const B64_INDEX = new Map([...B64].map((c, i) => [c, i]));

function decodeSegment(text: string): number[] {
  const out: number[] = [];
  let value = 0;
  let shift = 0;
  for (const ch of text) {
    const digit = B64_INDEX.get(ch);
    if (digit === undefined) throw new Error(`bad source map character ${ch}`);
    value += (digit & 31) << shift;
    if (digit & 32) {
      shift += 5;
    } else {
      out.push(value & 1 ? -(value >>> 1) : value >>> 1);
      value = 0;
      shift = 0;
    }
  }
  return out;
}

function encodeValue(n: number): string {
  let v = n < 0 ? (-n << 1) | 1 : n << 1;
  let s = "";
  do {
    let digit = v & 31;
    v >>>= 5;
    if (v > 0) digit |= 32;
    s += B64[digit];
  } while (v > 0);
  return s;
}

function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) starts.push(i + 1);
  return starts;
}

export interface MappedSource {
  /** Index of the rewritten file in the map's `sources`. */
  index: number;
  original: string;
  rewritten: string;
  edits: readonly TextEdit[];
}

/** Rewrites a source map (JSON text) so that the positions in the given sources are the original ones. */
export function remapSourceMap(json: string, sources: readonly MappedSource[]): string {
  if (sources.length === 0) return json;
  const map = JSON.parse(json) as { mappings: string; sourcesContent?: (string | null)[] };
  const bySource = new Map(sources.map((s) => [s.index, { ...s, rStarts: lineStarts(s.rewritten), oStarts: lineStarts(s.original) }]));
  // absolute state while decoding, and while encoding
  let src = 0;
  let srcLine = 0;
  let srcCol = 0;
  let name = 0;
  let outSrc = 0;
  let outLine = 0;
  let outCol = 0;
  let outName = 0;
  const lines = map.mappings.split(";").map((line) => {
    let genCol = 0;
    let outGenCol = 0;
    return line
      .split(",")
      .filter((seg) => seg.length > 0)
      .map((seg) => {
        const f = decodeSegment(seg);
        genCol += f[0]!;
        let text = encodeValue(genCol - outGenCol);
        outGenCol = genCol;
        if (f.length >= 4) {
          src += f[1]!;
          srcLine += f[2]!;
          srcCol += f[3]!;
          let line = srcLine;
          let col = srcCol;
          const s = bySource.get(src);
          if (s !== undefined && line < s.rStarts.length) {
            const pos = toOriginal(s.edits, s.rStarts[line]! + col, "left");
            // lines are kept, so the original line is the same; find it anyway from the offset
            let l = line;
            while (l + 1 < s.oStarts.length && s.oStarts[l + 1]! <= pos) l++;
            while (l > 0 && s.oStarts[l]! > pos) l--;
            line = l;
            col = pos - s.oStarts[l]!;
          }
          text += encodeValue(src - outSrc) + encodeValue(line - outLine) + encodeValue(col - outCol);
          outSrc = src;
          outLine = line;
          outCol = col;
          if (f.length >= 5) {
            name += f[4]!;
            text += encodeValue(name - outName);
            outName = name;
          }
        }
        return text;
      })
      .join(",");
  });
  map.mappings = lines.join(";");
  if (map.sourcesContent) {
    for (const s of sources) if (map.sourcesContent[s.index] != null) map.sourcesContent[s.index] = s.original;
  }
  return JSON.stringify(map);
}
