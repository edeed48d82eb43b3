import type TestAgent from 'supertest/lib/agent.js';
import { SHOP_MODEL } from './predictions.js';

/** Registers a model (default: the shop model) as admin and returns the response body. */
export async function registerModel(
  http: () => TestAgent,
  adminToken: string,
  name = 'shop',
  body: Record<string, unknown> = SHOP_MODEL,
) {
  const res = await http().put(`/api/v1/models/${name}`).set('Authorization', `Bearer ${adminToken}`).send(body);
  if (res.status !== 201 && res.status !== 200)
    throw new Error(`model registration failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as Record<string, unknown>;
}
