/**
 * Slurm host lists: `node[01-03,07],login1` names node01, node02, node03, node07 and login1
 * (ranges keep their zero padding; several bracketed parts per name are expanded in turn).
 */
import { InvalidArgumentError } from '../errors.js';

/** Splits `text` at commas outside brackets. */
function topLevelParts(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '[') depth++;
    else if (text[i] === ']') depth--;
    else if (text[i] === ',' && depth === 0) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts.filter((p) => p !== '');
}

function expandOne(name: string): string[] {
  const open = name.indexOf('[');
  if (open < 0) return [name];
  const close = name.indexOf(']', open);
  if (close < 0) throw new InvalidArgumentError(`bad Slurm host list entry "${name}": no closing bracket`);
  const prefix = name.slice(0, open);
  const suffixes = expandOne(name.slice(close + 1));
  const result: string[] = [];
  for (const range of name.slice(open + 1, close).split(',')) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(range);
    if (m === null) throw new InvalidArgumentError(`bad Slurm host list range "${range}" in "${name}"`);
    const width = m[1]!.length;
    const from = Number(m[1]);
    const to = m[2] === undefined ? from : Number(m[2]);
    if (to < from) throw new InvalidArgumentError(`bad Slurm host list range "${range}" in "${name}"`);
    for (let n = from; n <= to; n++) for (const suffix of suffixes) result.push(`${prefix}${String(n).padStart(width, '0')}${suffix}`);
  }
  return result;
}

/** Expands a Slurm host list into host names, in order. Throws InvalidArgumentError when malformed. */
export function expandHostlist(text: string): string[] {
  return topLevelParts(text.trim()).flatMap(expandOne);
}
