import { describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.factory.js';
import { loadConfig } from '../../src/config/config.js';
import { SliceRollups } from '../../src/slices/rollups.service.js';
import { SlicesService } from '../../src/slices/slices.service.js';
import { SHOP_RULES } from '../factories/events.js';
import { registerModel } from '../factories/models.js';
import { aPrediction, SHOP_MODEL } from '../factories/predictions.js';
import { startTestApp } from '../support/app.js';
import { eventually } from '../support/eventually.js';

describe('after a restart', () => {
  it('applies the outbox rows that were left unprocessed', async () => {
    const first = await startTestApp();
    try {
      await registerModel(first.http, first.adminToken, 'restart', { ...SHOP_MODEL, ...SHOP_RULES });
      const labeler = `Bearer ${await first.tokenFor('labeler')}`;
      const ingestToken = `Bearer ${await first.tokenFor('ingest')}`;
      const predictions = Array.from({ length: 12 }, (_, i) => aPrediction({ id: `r${i}`, model: 'restart' }));
      await first.http().post('/api/v1/predictions').set('Authorization', ingestToken).send({ predictions }).expect(201);
      for (const p of predictions) {
        await first
          .http()
          .post('/api/v1/labels')
          .set('Authorization', labeler)
          .send({ model: 'restart', predictionId: p.id, label: 'click' })
          .expect(201);
      }
      await first.app.close();
      // As if the process had died before its rollup job ran: no cells, every outbox row pending.
      await first.tables.run('DELETE FROM slice_cells');
      await first.tables.run('UPDATE label_changes SET processed_at = NULL');

      const second = await createApp(loadConfig(first.env));
      await second.init();
      try {
        const result = await eventually(async () => {
          const check = await second.get(SliceRollups).check('restart');
          expect(check).toMatchObject({ pending: 0, mismatches: 0 });
          return check;
        });
        expect(result.cells).toBeGreaterThan(0);
        expect((await second.get(SlicesService).report('restart')).overall).toMatchObject({ n: 12 });
      } finally {
        await second.close();
      }
    } finally {
      await first.close();
    }
  });
});
