import { JixiaoError } from "@jixiao/core";
import type { JxRecord } from "@jixiao/schemas";
import type { ListRecordsOptions } from "@jixiao/store";

/** What the export reads records from (a Store, or anything with the same listing). */
export interface RecordSource {
  listRecords(options?: ListRecordsOptions): AsyncIterable<JxRecord>;
}

export interface NumberedRecord {
  record: JxRecord;
  /** Position of the record in its file (0-based). */
  ordinal: number;
}

function changed(): JixiaoError {
  return new JixiaoError("INTERNAL", "the store changed during the export (the approved records do not line up with all records); run it again");
}

/**
 * The stored records with their ordinals, in the store's (file, sha256, ordinal) order. The
 * store lists records without their ordinal, so they are counted per document (a document ends
 * where source.sha256 changes) over ALL records, and with `approvedOnly` the store's own
 * approved listing is walked alongside and picks which to keep. Counting over the filtered
 * listing would give a record a wrong ordinal whenever an earlier one of its file is left out.
 */
export async function* numberRecords(source: RecordSource, approvedOnly: boolean): AsyncGenerator<NumberedRecord> {
  const approved = approvedOnly ? source.listRecords({ approvedOnly: true })[Symbol.asyncIterator]() : null;
  let next = approved ? await approved.next() : null;
  let sha: string | null = null;
  let ordinal = -1;
  for await (const record of source.listRecords()) {
    if (record.source.sha256 !== sha) {
      // Every approved record of the previous document should have been matched by now.
      if (next && !next.done && next.value.source.sha256 === sha) throw changed();
      sha = record.source.sha256;
      ordinal = 0;
    } else {
      ordinal++;
    }
    if (!approved || !next) {
      yield { record, ordinal };
      continue;
    }
    if (!next.done && next.value.source.sha256 === sha && JSON.stringify(next.value) === JSON.stringify(record)) {
      yield { record, ordinal };
      next = await approved.next();
    }
  }
  if (next && !next.done) throw changed();
}
