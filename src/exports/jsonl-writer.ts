import { type ExportLayout, type ExportRow, nestedRecord, type Sink } from './export-row.js';

/** One JSON object per line, features, scores and slices nested. */
export async function writeJsonl(chunks: AsyncIterable<ExportRow[]>, _layout: ExportLayout, sink: Sink): Promise<void> {
  for await (const rows of chunks) {
    let text = '';
    for (const row of rows) text += JSON.stringify(nestedRecord(row)) + '\n';
    await sink(text);
  }
}
