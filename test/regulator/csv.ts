/** A strict RFC 4180 reader for the export tests. */

/** RFC 4180: CRLF-terminated records, fields optionally in double quotes with "" for a quote. Throws on anything else. */
export const parseCsv = (text: string): string[][] => {
  const records: string[][] = [];
  let i = 0;
  while (i < text.length) {
    const record: string[] = [];
    for (;;) {
      let field = '';
      if (text[i] === '"') {
        for (i++; ; i++) {
          if (i >= text.length) throw new Error('unterminated quoted field');
          if (text[i] === '"' && text[i + 1] === '"') {
            field += '"';
            i++;
          } else if (text[i] === '"') break;
          else field += text[i];
        }
        i++;
      } else
        while (i < text.length && !',\r\n'.includes(text[i])) {
          if (text[i] === '"') throw new Error(`a quote inside an unquoted field at ${i}`);
          field += text[i++];
        }
      record.push(field);
      if (text[i] === ',') i++;
      else if (text.startsWith('\r\n', i)) {
        i += 2;
        break;
      } else throw new Error(`expected , or CRLF at ${i}`);
    }
    records.push(record);
  }
  return records;
};
