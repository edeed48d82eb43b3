import { describe, expect, it } from 'vitest';
import { escapeMrkdwn, webhookText } from './webhook-text.js';

describe('webhook text', () => {
  it.each([
    ['<!channel> look', '&lt;!channel&gt; look'],
    ['<https://evil.example|click here>', '&lt;https://evil.example|click here&gt;'],
    ['fish & chips', 'fish &amp; chips'],
    ['&lt; already', '&amp;lt; already'],
    ['plain de/mobile', 'plain de/mobile'],
  ])('escapes %j as %j', (input, expected) => {
    expect(escapeMrkdwn(input)).toBe(expected);
  });

  it('escapes a slice value inside the alert headline, and names the state and model', () => {
    expect(webhookText('firing', 'shop', 'accuracy of country=<@U123> & co fell')).toBe(
      '[FIRING] shop: accuracy of country=&lt;@U123&gt; &amp; co fell',
    );
  });
});
