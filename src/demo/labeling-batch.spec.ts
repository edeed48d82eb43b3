import { describe, expect, it } from 'vitest';
import { batchLines, type DemoBatch } from './labeling-batch.js';

const batch: DemoBatch = {
  id: 'b1',
  filled: 200,
  status: 'open',
  strategy: 'least_confidence',
  quotas: { purchase: { asked: 60, filled: 60 }, click: { asked: 60, filled: 70 }, ignore: { asked: 60, filled: 50 } },
  audit: { filled: 20 },
};

describe('batchLines', () => {
  it('points at the queue and tells what the new batch holds per predicted class', () => {
    const text = batchLines(batch, true, 'http://localhost:3000/labeling/shop-recommender').join('\n');
    expect(text).toContain('the labeling queue is ready at http://localhost:3000/labeling/shop-recommender');
    expect(text).toContain('A balanced batch was just created: 200 predictions');
    expect(text).toContain('(purchase 60, click 70, ignore 50) and a random audit sample of 20');
  });

  it('says when the batch is one left open by an earlier run', () => {
    expect(batchLines(batch, false, 'u').join('\n')).toContain('The balanced batch of an earlier run is still open');
  });
});
