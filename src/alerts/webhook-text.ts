/**
 * Slack's mrkdwn reads `<...>` as a link or a mention (`<!channel>`, `<https://evil|click>`) and `&`
 * as the start of an entity; these three are the only characters it asks to escape. Slice values
 * and model names come from clients, so the whole text is escaped.
 */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** The `text` of a webhook body, for chat receivers that show only that (Slack-style incoming webhooks). */
export function webhookText(state: string, model: string, headline: string): string {
  return escapeMrkdwn(`[${state.toUpperCase()}] ${model}: ${headline}`);
}
