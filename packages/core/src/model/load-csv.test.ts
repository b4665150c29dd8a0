import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { formatIssue, type Issue } from './issues.ts';
import { loadNetworkFile, type SourceFile } from './load.ts';
import { loadNetworkCsv } from './load-csv.ts';
import { parseCsv } from './parse-csv.ts';

const folder = fileURLToPath(new URL('../../../../examples/network-minimal-csv/', import.meta.url));
const yamlPath = fileURLToPath(new URL('../../../../examples/network-minimal.yaml', import.meta.url));

function exampleFiles(): Map<string, string> {
  return new Map(readdirSync(folder).map((name) => [name, readFileSync(folder + name, 'utf8')]));
}

/** The example folder with some files replaced (undefined removes one). */
function folderWith(changes: Record<string, string | undefined>): SourceFile[] {
  const files = exampleFiles();
  for (const [name, text] of Object.entries(changes)) {
    if (text === undefined) files.delete(name);
    else files.set(name, text);
  }
  return [...files].map(([name, text]) => ({ name: `minimal/${name}`, text }));
}

/** Replace `from` (which must occur once) in one example file. */
function edit(name: string, from: string, to: string): Record<string, string> {
  const text = exampleFiles().get(name) ?? '';
  expect(text.split(from).length - 1, `'${from}' occurs once in ${name}`).toBe(1);
  return { [name]: text.replace(from, to) };
}

function issuesOf(files: SourceFile[]): Issue[] {
  const result = loadNetworkCsv(files);
  return result.ok ? result.value.warnings : result.error;
}

describe('loadNetworkCsv', () => {
  it('loads the CSV version of the minimal network to the same network as the YAML', () => {
    const csv = loadNetworkCsv(folderWith({}));
    if (!csv.ok) throw new Error(csv.error.map(formatIssue).join('\n'));
    const yaml = loadNetworkFile({ name: 'network-minimal.yaml', text: readFileSync(yamlPath, 'utf8') });
    expect(yaml.ok).toBe(true);
    if (!yaml.ok) return;
    expect(csv.value.network).toEqual(yaml.value.network);
    expect(csv.value.summary).toEqual({ companies: 4, items: 3, tiers: 3, sourcingLinks: 4 });
    expect(csv.value.warnings).toEqual([]);
  });

  it('reads quoted commas, doubled quotes, line breaks in quotes, a byte order mark and CRLF', () => {
    const companies = [
      'id,name,country,region,city',
      'oem,"Example Systems, B.V.",NL,EU,"Eind\r\nhoven"',
      'frame-a,"Frame ""Works"" GmbH",DE,EU,',
      'frame-b,Frame Asia Ltd.,CN,ASIA,',
      'steel,Staal IJmond,NL,EU,',
    ].join('\r\n');
    const result = loadNetworkCsv(folderWith({ 'companies.csv': `\uFEFF${companies}\r\n` }));
    if (!result.ok) throw new Error(result.error.map(formatIssue).join('\n'));
    const names = result.value.network.companies.map((company) => company.name);
    expect(names.slice(0, 2)).toEqual(['Example Systems, B.V.', 'Frame "Works" GmbH']);
    expect(result.value.network.companies[0]?.site.city).toBe('Eind\nhoven');
  });

  it('reads semicolon-separated files with decimal commas, as European Excel writes them', () => {
    const sourcing = [
      'buyer;item;supplier;share;leadTime;mode',
      'oem;frame;frame-a;0,7;1;road',
      'oem;frame;frame-b;0,3;6;sea',
      'frame-a;steel-plate;steel;1;1;',
      'frame-b;steel-plate;steel;1;5;sea',
    ].join('\n');
    const result = loadNetworkCsv(folderWith({ 'sourcing.csv': sourcing }));
    if (!result.ok) throw new Error(result.error.map(formatIssue).join('\n'));
    expect(result.value.network.sourcing?.[0]?.suppliers.map((line) => line.share)).toEqual([0.7, 0.3]);
  });

  it('reads per-period capacity lists separated by ; or |', () => {
    const production = exampleFiles()
      .get('production.csv')!
      .replace('frame-b,frame,1,20,', 'frame-b,frame,1,"20;20;0;20",')
      .replace('frame-a,frame,1,8,', 'frame-a,frame,1,8|8|4,');
    const result = loadNetworkCsv(folderWith({ 'production.csv': production }));
    if (!result.ok) throw new Error(result.error.map(formatIssue).join('\n'));
    expect(result.value.network.production?.[1]?.capacity).toEqual([8, 8, 4]);
    expect(result.value.network.production?.[2]?.capacity).toEqual([20, 20, 0, 20]);
  });

  it('takes demand periods as numbers or as dates within a period', () => {
    const demand = 'company,item,period,quantity\noem,machine,2027-01-18,5\noem,machine,2027-01-27,7\n';
    const result = loadNetworkCsv(folderWith({ 'demand.csv': demand }));
    if (!result.ok) throw new Error(result.error.map(formatIssue).join('\n'));
    expect(result.value.network.demand?.[0]?.quantities).toEqual([0, 0, 5, 7]);
  });

  it("reads a demand record's lossPerUnit and ttr of companies (stress test)", () => {
    const demand =
      'company,item,period,quantity,price,lossPerUnit\noem,machine,3,4,400000,90000\noem,machine,4,4,,\n';
    const companies = exampleFiles()
      .get('companies.csv')!
      .replace('paymentTermDays\n', 'paymentTermDays,ttr\n');
    const result = loadNetworkCsv(
      folderWith({
        'demand.csv': demand,
        'companies.csv': companies.replace('Staal IJmond,,,NL,EU,,,,', 'Staal IJmond,,,NL,EU,,,,,6'),
      }),
    );
    if (!result.ok) throw new Error(result.error.map(formatIssue).join('\n'));
    expect(result.value.network.demand?.[0]).toMatchObject({ price: 400000, lossPerUnit: 90000 });
    expect(result.value.network.companies.find((company) => company.id === 'steel')?.ttr).toBe(6);
  });

  it('places validation errors at file, row and column', () => {
    const issues = issuesOf(folderWith(edit('sourcing.csv', 'frame-b,0.3,6', 'frame-b,0.2,6')));
    expect(issues.map(formatIssue)).toEqual([
      "minimal/sourcing.csv:row 2, column 'share': the supplier shares of buyer 'oem' for 'frame' sum to 0.9; they must sum to 1",
    ]);
  });

  it('names the column of wrong values, unknown references and nested fields', () => {
    const issues = issuesOf(
      folderWith({
        ...edit('production.csv', 'frame-b,frame,1,20', 'frame-b,frame,one,20'),
        ...edit('companies.csv', 'steel,Staal IJmond,,,NL', 'steel,Staal IJmond,,,nl'),
        ...edit('bom.csv', 'oem,machine,frame,1', 'oem,machine,fram,1'),
      }),
    );
    expect(issues.map((issue) => [issue.file, issue.row, issue.field, issue.code])).toEqual([
      ['minimal/bom.csv', 2, 'component', 'unknown-reference'],
      ['minimal/companies.csv', 5, 'country', 'invalid-value'],
      ['minimal/production.csv', 4, 'leadTime', 'wrong-type'],
    ]);
  });

  it('reports duplicate ids naming the first row', () => {
    const issues = issuesOf(folderWith(edit('items.csv', 'frame,Welded frame', 'machine,Welded frame')));
    const duplicate = issues.find((issue) => issue.code === 'duplicate-id');
    expect(duplicate && formatIssue(duplicate)).toBe(
      "minimal/items.csv:row 3, column 'id': duplicate item id 'machine': the first is at row 2; ids must be unique",
    );
  });

  it('reports unknown files and columns with a suggestion, and missing columns and files', () => {
    const issues = issuesOf(
      folderWith({
        'sourcng.csv': 'buyer,item\n',
        ...edit('inventory.csv', 'company,item,onHand,safetyStock', 'company,item,onhand,safetyStok'),
        'items.csv': undefined,
      }),
    );
    expect(issues.map(formatIssue)).toEqual([
      'items.csv: the folder has no items.csv; it is required',
      "minimal/inventory.csv:row 1, column 'onhand': unknown column 'onhand' (did you mean 'onHand'?); the columns of inventory.csv are company, item, onHand, safetyStock",
      "minimal/inventory.csv:row 1, column 'safetyStok': unknown column 'safetyStok' (did you mean 'safetyStock'?); the columns of inventory.csv are company, item, onHand, safetyStock",
      "minimal/inventory.csv:row 1, column 'onHand': inventory.csv needs a column 'onHand'",
      "minimal/sourcng.csv: 'sourcng.csv' is not a file of a keten CSV folder (did you mean 'sourcing.csv'?); the files are network.csv, companies.csv, items.csv, production.csv, bom.csv, capacity-groups.csv, capacity-group-items.csv, sourcing.csv, inventory.csv, open-orders.csv, demand.csv",
    ]);
  });

  it('a missing required column is reported once, not once per row', () => {
    const items = 'id,name\nmachine,Machine\nframe,Welded frame\nsteel-plate,Steel plate\n';
    const issues = issuesOf(folderWith({ 'items.csv': items }));
    expect(issues.map((issue) => [issue.row, issue.field, issue.code])).toEqual([
      [1, 'unit', 'missing-column'],
    ]);
  });

  it('reports rows of one sourcing rule that disagree', () => {
    const issues = issuesOf(
      folderWith(edit('sourcing.csv', 'oem,frame,ES-F20,frame-b', 'oem,frame,ES-F21,frame-b')),
    );
    expect(issues.map(formatIssue)).toEqual([
      "minimal/sourcing.csv:row 3, column 'buyerPartNumber': 'buyerPartNumber' is ES-F21 here but ES-F20 in row 2; rows of one sourcing rule must agree (or leave it empty)",
    ]);
  });

  it('reports a BOM row without its production row, and demand beyond the horizon', () => {
    const issues = issuesOf(
      folderWith({
        ...edit('bom.csv', 'frame-b,frame,steel-plate', 'frame-c,frame,steel-plate'),
        ...edit('demand.csv', 'oem,machine,11,8,', 'oem,machine,12,8,'),
      }),
    );
    expect(issues.map((issue) => [issue.file, issue.row, issue.field, issue.code])).toEqual([
      ['minimal/bom.csv', 4, 'item', 'unknown-reference'],
      ['minimal/demand.csv', 13, 'period', 'outside-horizon'],
    ]);
  });

  it('reports CSV syntax: an unclosed quote at the row it opens, and a row with too many values', () => {
    const issues = issuesOf(
      folderWith({ 'items.csv': 'id,name,unit\nmachine,"Machine,pcs\nframe,Frame,pcs\n' }),
    );
    expect(issues.map(formatIssue)).toEqual([
      'minimal/items.csv:row 2: a quoted value starts in this row but its closing double quote is missing',
    ]);
    const extra = issuesOf(folderWith({ 'items.csv': 'id,name,unit\nmachine,Machine,pcs,x\n' }));
    expect(extra[0]?.row).toBe(2);
    expect(extra[0]?.code).toBe('syntax');
  });
});

describe('parseCsv', () => {
  it('counts rows as a spreadsheet shows them: quoted line breaks stay in their row, blank rows count', () => {
    const parsed = parseCsv('x.csv', 'a,b\n1,"two\nlines"\n\n3,4\n');
    expect(parsed.ok && parsed.value.rows).toEqual([
      { row: 2, cells: ['1', 'two\nlines'] },
      { row: 4, cells: ['3', '4'] },
    ]);
  });

  it('detects the separator from the header', () => {
    expect(parseCsv('x.csv', 'a;b\n1,5;2\n').ok && parseCsv('x.csv', 'a;b\n1,5;2\n')).toMatchObject({
      value: { delimiter: ';', rows: [{ cells: ['1,5', '2'] }] },
    });
    expect(parseCsv('x.csv', 'a\tb\n1\t2\n')).toMatchObject({ value: { delimiter: '\t' } });
  });
});
