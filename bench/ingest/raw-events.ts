import { mkdirSync } from 'node:fs';
import Database from 'better-sqlite3';
import { sqliteFile } from '../../src/database/data-source.js';

export interface RawEventsResult {
  events: number;
  labels: number;
  /** JSON.parse of the bodies and the insert transactions; seeding the predictions is not counted. */
  seconds: number;
  eventsPerSecond: number;
}

interface BodyEvent {
  id: string;
  model: string;
  predictionId: string;
  type: string;
  timestamp: string;
  value?: number;
}

/**
 * The events baseline of issue 11: plain better-sqlite3 on primary-key-only tables. The predictions
 * are seeded first (model, id, ts), untimed; then each body is parsed and, in one transaction a body,
 * every event is inserted, its prediction looked up by key, and a label inserted when it is there.
 */
export function rawEvents(
  dataDir: string,
  predictions: { model: string; count: number; idOf: (i: number) => string; tsOf: (i: number) => number },
  bodies: Buffer[],
): RawEventsResult {
  mkdirSync(dataDir, { recursive: true });
  const db = new Database(sqliteFile(dataDir));
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.exec(`CREATE TABLE predictions (model, id, ts, PRIMARY KEY (model, id));
      CREATE TABLE events (model, id, prediction_id, type, ts, value, state, received_at, PRIMARY KEY (model, id));
      CREATE TABLE labels (model, prediction_id, source, label, event_ids, created_at, PRIMARY KEY (model, prediction_id, source))`);
    const seed = db.prepare('INSERT INTO predictions (model, id, ts) VALUES (?, ?, ?)');
    db.transaction(() => {
      for (let i = 0; i < predictions.count; i++) seed.run(predictions.model, predictions.idOf(i), predictions.tsOf(i));
    })();
    const insertEvent = db.prepare(
      'INSERT INTO events (model, id, prediction_id, type, ts, value, state, received_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    );
    const lookUp = db.prepare('SELECT ts FROM predictions WHERE model = ? AND id = ?');
    const insertLabel = db.prepare(
      `INSERT INTO labels (model, prediction_id, source, label, event_ids, created_at) VALUES (?, ?, 'direct', ?, ?, ?)
       ON CONFLICT (model, prediction_id, source) DO UPDATE SET label = excluded.label, event_ids = excluded.event_ids`,
    );
    let labels = 0;
    const batch = db.transaction((events: BodyEvent[], now: number) => {
      for (const e of events) {
        const found = lookUp.get(e.model, e.predictionId) as { ts: number } | undefined;
        insertEvent.run(
          e.model,
          e.id,
          e.predictionId,
          e.type,
          Date.parse(e.timestamp),
          e.value ?? null,
          found ? 'applied' : 'pending',
          now,
        );
        if (found) {
          insertLabel.run(e.model, e.predictionId, e.type, JSON.stringify([e.id]), now);
          labels++;
        }
      }
    });
    let events = 0;
    const started = performance.now();
    for (const body of bodies) {
      const parsed = (JSON.parse(body.toString('utf8')) as { events: BodyEvent[] }).events;
      batch(parsed, Date.now());
      events += parsed.length;
    }
    const seconds = (performance.now() - started) / 1000;
    return { events, labels, seconds, eventsPerSecond: events / seconds };
  } finally {
    db.close();
  }
}
