/**
 * How many arguments a function declares, read from its source text: the runtime refuses a
 * call with more arguments than an entry method takes (fewer than its `length` is refused too).
 * Rest parameters (`...args`) mean no limit; a source it cannot read means no limit either.
 */

/** Most arguments `fn` accepts: its declared parameters, or Infinity with a rest parameter or unreadable source. */
export function maxParameters(fn: (...args: never[]) => unknown): number {
  let source: string;
  try {
    source = Function.prototype.toString.call(fn);
  } catch {
    return Infinity;
  }
  const open = source.indexOf('(');
  if (open < 0 || source.includes('[native code]')) return Infinity;
  let depth = 0;
  let count = 0;
  let sawContent = false;
  for (let i = open + 1; i < source.length; i++) {
    const ch = source[i]!;
    if (ch === '"' || ch === "'" || ch === '`') {
      i = skipString(source, i);
      sawContent = true;
      continue;
    }
    if (ch === '/' && source[i + 1] === '*') {
      const end = source.indexOf('*/', i + 2);
      if (end < 0) return Infinity;
      i = end + 1;
      continue;
    }
    if (ch === '/' && source[i + 1] === '/') {
      const end = source.indexOf('\n', i);
      if (end < 0) return Infinity;
      i = end;
      continue;
    }
    if (ch === '(' || ch === '[' || ch === '{') depth++;
    else if (ch === ')' || ch === ']' || ch === '}') {
      if (depth === 0) return sawContent ? count + 1 : 0;
      depth--;
    } else if (depth === 0 && ch === ',') count++;
    else if (depth === 0 && ch === '.' && source.startsWith('...', i)) return Infinity;
    if (!/\s/.test(ch)) sawContent = true;
  }
  return Infinity;
}

function skipString(source: string, start: number): number {
  const quote = source[start];
  for (let i = start + 1; i < source.length; i++) {
    if (source[i] === '\\') i++;
    else if (source[i] === quote) return i;
  }
  return source.length;
}
