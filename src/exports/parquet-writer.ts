import {
  Bool,
  Field,
  Float64,
  makeData,
  makeVector,
  RecordBatch,
  Schema,
  Struct,
  Table as ArrowTable,
  tableToIPC,
  Utf8,
  vectorFromArray,
  type Vector,
} from 'apache-arrow';
import { Compression, Table as WasmTable, transformParquetStream, WriterPropertiesBuilder } from 'parquet-wasm';
import { type ColumnSpec, type ExportLayout, type ExportRow, flatColumns, flatValues, type Sink } from './export-row.js';

/** Rows per Parquet row group: the most the writer holds at once. */
export const ROW_GROUP_ROWS = 10_000;

function column(spec: ColumnSpec, values: (string | number | boolean | null)[]): Vector {
  if (spec.type === 'number') {
    if (values.every((v) => typeof v === 'number')) return makeVector(Float64Array.from(values as number[]));
    return vectorFromArray(
      values.map((v) => (typeof v === 'number' ? v : null)),
      new Float64(),
    );
  }
  if (spec.type === 'boolean')
    return vectorFromArray(
      values.map((v) => (typeof v === 'boolean' ? v : null)),
      new Bool(),
    );
  return vectorFromArray(
    values.map((v) => (v === null ? null : String(v))),
    new Utf8(),
  );
}

/** One chunk of rows as an Arrow IPC stream, columns in flatColumns order. */
export function chunkToIpc(rows: ExportRow[], layout: ExportLayout): Uint8Array {
  const specs = flatColumns(layout);
  const columns: (string | number | boolean | null)[][] = specs.map(() => new Array(rows.length));
  rows.forEach((row, r) => flatValues(row, layout).forEach((value, c) => (columns[c][r] = value)));
  const vectors = specs.map((spec, c) => column(spec, columns[c]));
  // Every field nullable, declared up front: the streaming writer takes its schema from the first
  // batch, and one without nulls would otherwise make the column required and lose later nulls.
  const fields = specs.map((spec, c) => new Field(spec.name, vectors[c].type, true));
  const data = makeData({ type: new Struct(fields), length: rows.length, nullCount: 0, children: vectors.map((v) => v.data[0]) });
  return tableToIPC(new ArrowTable([new RecordBatch(new Schema(fields), data)]), 'stream');
}

/**
 * Parquet through parquet-wasm's streaming writer: each chunk becomes one Arrow record batch and the
 * writer flushes a row group every ROW_GROUP_ROWS rows, so memory holds about one chunk, never the table.
 */
export async function writeParquet(chunks: AsyncIterable<ExportRow[]>, layout: ExportLayout, sink: Sink): Promise<void> {
  const iterator = chunks[Symbol.asyncIterator]();
  const batches = new ReadableStream(
    {
      async pull(controller) {
        let next = await iterator.next();
        while (!next.done && next.value.length === 0) next = await iterator.next();
        if (next.done) return controller.close();
        for (const batch of WasmTable.fromIPCStream(chunkToIpc(next.value, layout)).recordBatches()) controller.enqueue(batch);
      },
    },
    { highWaterMark: 1 },
  );
  // The writer buffers a row group in WebAssembly memory; the default of 1M rows would hold the whole export.
  const properties = new WriterPropertiesBuilder().setCompression(Compression.SNAPPY).setMaxRowGroupSize(ROW_GROUP_ROWS).build();
  const bytes = await transformParquetStream(batches, properties);
  for await (const part of bytes as unknown as AsyncIterable<Uint8Array>) await sink(part);
}
