import { HttpException } from '@nestjs/common';

/** What the queue page says after an action; travels in the redirect's query string as a code, never as text. */
export const NOTICES = [
  'saved',
  'skipped',
  'undone',
  'nothing_to_undo',
  'lease_lost',
  'already_finished',
  'task_gone',
  'conflict',
  'batch_created',
  'batch_empty',
] as const;
export type Notice = (typeof NOTICES)[number];

export interface NoticeView {
  tone: 'info' | 'warn';
  text: string;
}

/** The page's query: ?batch=<uuid>&notice=<code>&label=<class>&n=<count>. Anything else is ignored. */
export interface PageQuery {
  batch?: string;
  notice?: Notice;
  label?: string;
  n?: number;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Reads the page query leniently: a stray or malformed parameter is dropped rather than answered with 400. */
export function parsePageQuery(query: Record<string, unknown>): PageQuery {
  const text = (v: unknown) => (typeof v === 'string' ? v : undefined);
  const batch = text(query.batch);
  const notice = text(query.notice);
  const label = text(query.label);
  const n = Number(text(query.n));
  return {
    ...(batch && UUID.test(batch) ? { batch } : {}),
    ...(notice && (NOTICES as readonly string[]).includes(notice) ? { notice: notice as Notice } : {}),
    ...(label && label.length <= 200 ? { label } : {}),
    ...(Number.isInteger(n) && n >= 0 ? { n } : {}),
  };
}

/** The queue page's URL, keeping the batch scope and carrying a notice. */
export function queueHref(model: string, query: PageQuery = {}): string {
  const params = new URLSearchParams();
  if (query.batch) params.set('batch', query.batch);
  if (query.notice) params.set('notice', query.notice);
  if (query.label !== undefined) params.set('label', query.label);
  if (query.n !== undefined) params.set('n', String(query.n));
  const search = params.toString();
  return `/labeling/${encodeURIComponent(model)}${search ? `?${search}` : ''}`;
}

/**
 * The notice for a refusal of the labeling service that the page explains instead of failing:
 * 409 (the lease went to someone else, the task was already answered or changed) and 404 of a
 * task or of an undo with nothing to undo. Null for anything else, which stays an error.
 */
export function noticeForError(error: unknown): Notice | null {
  if (!(error instanceof HttpException)) return null;
  const body = error.getResponse();
  const message = typeof body === 'object' && body !== null && 'message' in body ? String(body.message) : String(body);
  if (error.getStatus() === 409) {
    if (message === 'lease_not_held' || message === 'not_your_task') return 'lease_lost';
    if (message === 'task_already_finished') return 'already_finished';
    return 'conflict';
  }
  if (error.getStatus() === 404) {
    if (message === 'nothing_to_undo') return 'nothing_to_undo';
    if (message === 'task_not_found') return 'task_gone';
  }
  return null;
}

const info = (text: string): NoticeView => ({ tone: 'info', text });
const warn = (text: string): NoticeView => ({ tone: 'warn', text });

/** The sentence of each notice, from the query it came with. */
const SENTENCES: Record<Notice, (query: PageQuery, classes: readonly string[]) => NoticeView> = {
  saved: (query, classes) =>
    query.label !== undefined && classes.includes(query.label)
      ? info(`Saved as “${query.label}”. Press u to undo.`)
      : info('Saved. Press u to undo.'),
  skipped: () => info('Skipped: someone else will get that item. Press u to undo.'),
  undone: () => info('Undone: your last answer was withdrawn. Here is that item again.'),
  nothing_to_undo: () => info('Nothing to undo: you have not answered anything here yet.'),
  lease_lost: () =>
    warn('Your answer was not saved: your hold on that item expired and someone else took it. Here is your next item.'),
  already_finished: () => info('That item was already answered, so nothing changed. Here is your next item.'),
  task_gone: () => warn('That item is no longer in the queue, so nothing was saved.'),
  conflict: () => warn('That item changed while you were looking at it, so nothing was saved. Here is your next item.'),
  batch_created: (query) => info(query.n === undefined ? 'Batch created.' : `Batch created with ${query.n} items.`),
  batch_empty: () => warn('The new batch is empty: no prediction is waiting for a label (or all are queued already).'),
};

/** The sentence for a notice; `label` must already be one of the model's classes. */
export function noticeView(query: PageQuery, classes: readonly string[]): NoticeView | null {
  return query.notice === undefined ? null : SENTENCES[query.notice](query, classes);
}
