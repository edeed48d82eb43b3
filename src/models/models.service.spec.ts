import { describe, expect, it } from 'vitest';
import type { ModelEntity } from './model.entity.js';
import type { ModelsRepository } from './models.repository.js';
import { MODEL_CACHE_MAX, ModelsService } from './models.service.js';

function serviceWith(registered: string[]) {
  const queries: string[][] = [];
  const repository = {
    findByNames: (names: string[]) => {
      queries.push(names);
      return Promise.resolve(registered.filter((n) => names.includes(n)).map((name) => ({ name }) as ModelEntity));
    },
  } as unknown as ModelsRepository;
  return { service: new ModelsService(repository), queries };
}

describe('ModelsService.findMany', () => {
  it('looks up a batch naming 10,000 models in one query and keeps at most MODEL_CACHE_MAX names', async () => {
    const { service, queries } = serviceWith(['shop']);
    const names = ['shop', ...Array.from({ length: 10_000 }, (_, i) => `nope-${i}`)];
    const found = await service.findMany(names);
    expect([...found.keys()]).toEqual(['shop']);
    expect(queries).toHaveLength(1);
    expect(service.cachedNames).toBe(MODEL_CACHE_MAX);
  });

  it('does not look up (or keep) a name no model can have', async () => {
    const { service, queries } = serviceWith([]);
    expect(await service.find('bad\u0000name')).toBeNull();
    expect(await service.find('x'.repeat(500))).toBeNull();
    expect(queries).toHaveLength(0);
    expect(service.cachedNames).toBe(0);
  });

  it('answers a name it just looked up from the cache', async () => {
    const { service, queries } = serviceWith(['shop']);
    await service.find('shop');
    expect((await service.find('shop'))?.name).toBe('shop');
    expect(await service.find('gone')).toBeNull();
    expect(await service.find('gone')).toBeNull();
    expect(queries).toEqual([['shop'], ['gone']]);
  });
});
