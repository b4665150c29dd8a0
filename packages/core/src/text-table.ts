/**
 * @module text-table
 * Plain-text tables for terminal reports: columns padded to their widest cell, numbers right-aligned.
 */

/**
 * The rows under `header` as lines, two spaces between columns; the columns in `numeric` are
 * right-aligned, the others left-aligned; trailing spaces are trimmed.
 *
 * @example textTable(['company', 'fill rate'], [['oem', '97.1 %']], new Set([1]))
 */
export function textTable(
  header: readonly string[],
  rows: readonly (readonly string[])[],
  numeric: ReadonlySet<number>,
): string[] {
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)),
  );
  const line = (cells: readonly string[]) =>
    header
      .map((_, column) => {
        const cell = cells[column] ?? '';
        return numeric.has(column) ? cell.padStart(widths[column]!) : cell.padEnd(widths[column]!);
      })
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)];
}
