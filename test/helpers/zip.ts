import zlib from 'node:zlib';

/** One part of a zip archive: its name and its content, given whole or as chunks to deflate one by one. */
export interface ZipPart {
  name: string;
  content: string | Buffer | (() => Iterable<Buffer | string>);
}

/**
 * Writes a zip archive (deflated parts, central directory) in memory. Content given as chunks is
 * deflated as it comes, so a part can unpack to far more than the test holds: a workbook "bomb".
 * `declaredSize` overrides the unpacked size the directory states, to write one that lies.
 */
export function zipArchive(parts: readonly ZipPart[], options: { declaredSize?: number } = {}): Buffer {
  const locals: Buffer[] = [];
  const directory: Buffer[] = [];
  let offset = 0;
  for (const part of parts) {
    const chunks =
      typeof part.content === 'function' ? part.content() : [Buffer.from(part.content as string | Buffer)];
    const deflate = new DeflateSync();
    let crc = 0;
    let size = 0;
    for (const chunk of chunks) {
      const bytes = Buffer.from(chunk);
      crc = zlib.crc32(bytes, crc);
      size += bytes.length;
      deflate.push(bytes);
    }
    const compressed = deflate.end();
    const name = Buffer.from(part.name);
    const declared = options.declaredSize ?? size;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(8, 8);
    local.writeUInt32LE(crc >>> 0, 14);
    local.writeUInt32LE(compressed.length, 18);
    local.writeUInt32LE(Math.min(declared, 0xfffffffe), 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(8, 10);
    central.writeUInt32LE(crc >>> 0, 16);
    central.writeUInt32LE(compressed.length, 20);
    central.writeUInt32LE(Math.min(declared, 0xfffffffe), 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, compressed);
    directory.push(central, name);
    offset += local.length + name.length + compressed.length;
  }
  const directoryBytes = Buffer.concat(directory);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(parts.length, 8);
  end.writeUInt16LE(parts.length, 10);
  end.writeUInt32LE(directoryBytes.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directoryBytes, end]);
}

/**
 * Raw deflate of chunks pushed one by one, keeping only the compressed output: each chunk is
 * deflated on its own with a full flush (so the pieces join into one stream), a repeated chunk
 * once, and an empty final block ends the stream.
 */
class DeflateSync {
  private readonly output: Buffer[] = [];
  private readonly seen = new Map<string, Buffer>();
  push(bytes: Buffer): void {
    const key =
      bytes.length > 4096
        ? `${bytes.length}:${bytes.subarray(0, 64).toString('latin1')}:${zlib.crc32(bytes)}`
        : '';
    let compressed = key ? this.seen.get(key) : undefined;
    if (!compressed) {
      compressed = zlib.deflateRawSync(bytes, { level: 6, finishFlush: zlib.constants.Z_FULL_FLUSH });
      if (key) this.seen.set(key, compressed);
    }
    this.output.push(compressed);
  }
  end(): Buffer {
    return Buffer.concat([...this.output, Buffer.from([0x03, 0x00])]);
  }
}

const CONTENT_TYPES = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>`;
const ROOT_RELS = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`;
const workbookXml = (state?: string) => `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1"${state ? ` state="${state}"` : ''} r:id="rId1"/></sheets></workbook>`;
const WORKBOOK_RELS = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>`;

/**
 * A one-sheet .xlsx whose sheet XML is given as chunks (between the sheet's opening and closing
 * tags); `state` hides the sheet.
 */
export function oneSheetWorkbook(
  sheetData: () => Iterable<string | Buffer>,
  options: { declaredSize?: number; state?: 'hidden' | 'veryHidden' } = {},
): Buffer {
  return zipArchive(
    [
      { name: '[Content_Types].xml', content: CONTENT_TYPES },
      { name: '_rels/.rels', content: ROOT_RELS },
      { name: 'xl/workbook.xml', content: workbookXml(options.state) },
      { name: 'xl/_rels/workbook.xml.rels', content: WORKBOOK_RELS },
      {
        name: 'xl/worksheets/sheet1.xml',
        content: function* () {
          yield '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>';
          yield* sheetData();
          yield '</sheetData></worksheet>';
        } as () => Iterable<string | Buffer>,
      },
    ],
    { declaredSize: options.declaredSize },
  );
}

/** A workbook of one cell holding `megabytes` MB of one letter: a few hundred kilobytes on disk. */
export function bigCellBomb(megabytes: number): Buffer {
  return oneSheetWorkbook(function* () {
    yield '<row r="1"><c r="A1" t="inlineStr"><is><t>';
    const block = 'A'.repeat(1 << 20);
    for (let index = 0; index < megabytes; index++) yield block;
    yield '</t></is></c></row>';
  });
}

/** A workbook of `rows` one-cell rows: a few megabytes on disk for two million. */
export function manyRowsBomb(rows: number, options: { declaredSize?: number } = {}): Buffer {
  return oneSheetWorkbook(function* () {
    const batch: string[] = [];
    for (let row = 1; row <= rows; row++) {
      batch.push(`<row r="${row}"><c r="A${row}"><v>1</v></c></row>`);
      if (batch.length === 200_000) {
        yield batch.join('');
        batch.length = 0;
      }
    }
    yield batch.join('');
  }, options);
}
