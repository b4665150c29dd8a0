import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ISSUE_CODES } from './issues.ts';
import { CSV_FILES } from './load-csv.ts';

const doc = readFileSync(fileURLToPath(new URL('../../../../docs/formats.md', import.meta.url)), 'utf8');

describe('docs/formats.md stays true to the code', () => {
  it('lists every issue code', () => {
    for (const code of Object.keys(ISSUE_CODES)) expect(doc).toContain(`| \`${code}\` |`);
  });

  it('lists every CSV file with its columns, required ones in bold, in the order the code reads them', () => {
    for (const [file, columns] of Object.entries(CSV_FILES)) {
      const row = doc.split('\n').find((line) => line.startsWith(`| \`${file}\` |`));
      expect(row, file).toBeDefined();
      const documented = row
        ?.split('|')[3]
        ?.split(',')
        .map((cell) => cell.trim());
      expect(documented, file).toEqual(
        columns.map((column) =>
          'required' in column && column.required ? `**${column.name}**` : column.name,
        ),
      );
    }
  });
});
