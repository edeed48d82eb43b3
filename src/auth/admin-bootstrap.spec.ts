import { describe, expect, it } from 'vitest';
import { firstAdminBanner, loginUrl } from './admin-bootstrap.js';

describe('first-start admin banner', () => {
  it('shows the secret and the login URL inside a box of equal-width lines', () => {
    const banner = firstAdminBanner('rl_secret', 'http://localhost:3000/login');
    const boxed = banner.split('\n').filter((line) => line.startsWith('|') || line.startsWith('+'));
    expect(boxed.length).toBeGreaterThan(4);
    expect(new Set(boxed.map((line) => line.length)).size).toBe(1);
    expect(banner).toContain('admin token: rl_secret');
    expect(banner).toContain('sign in at:  http://localhost:3000/login');
  });
});

describe('loginUrl', () => {
  it('uses PUBLIC_URL without doubling slashes', () => {
    expect(loginUrl({ PUBLIC_URL: 'https://relabel.example.com/', PORT: 3000 })).toBe('https://relabel.example.com/login');
  });

  it('falls back to localhost and the port', () => {
    expect(loginUrl({ PUBLIC_URL: undefined, PORT: 8080 })).toBe('http://localhost:8080/login');
  });
});
