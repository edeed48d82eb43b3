import { describe, expect, it } from 'vitest';
import { roleAllows } from './auth.guard.js';
import { TOKEN_ROLES, type TokenRole } from './token.entity.js';

describe('roleAllows', () => {
  it.each<[TokenRole, TokenRole[], boolean]>([
    ['ingest', ['ingest'], true],
    ['labeler', ['ingest'], false],
    ['ingest', ['labeler'], false],
    ['labeler', ['labeler', 'ingest'], true],
    ['ingest', ['admin'], false],
    ['labeler', ['admin'], false],
  ])('%s on a route for %j: %s', (role, allowed, expected) => {
    expect(roleAllows(role, allowed)).toBe(expected);
  });

  it('lets admin through every role check', () => {
    for (const allowed of [['ingest'], ['labeler'], ['admin'], []] as TokenRole[][])
      expect(roleAllows('admin', allowed)).toBe(true);
  });

  it('lets every role through Roles() with no roles', () => {
    for (const role of TOKEN_ROLES) expect(roleAllows(role, [])).toBe(true);
  });
});
