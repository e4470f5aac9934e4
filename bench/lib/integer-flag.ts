/**
 * Reads a benchmark flag that takes a comma-separated list of whole numbers, such as
 * `--sizes 4096,32768`, with an error that names the flag and the part that is not one.
 */

/** Parses `text`, the value of `--flag`, into integers of at least `min` (default 0). */
export function integerList(flag: string, text: string, min = 0): number[] {
  return text.split(',').map((part) => {
    const value = Number(part);
    if (part.trim() === '' || !Number.isSafeInteger(value) || value < min) {
      throw new RangeError(`--${flag} takes comma-separated integers of at least ${min}, not "${part}"`);
    }
    return value;
  });
}
