import { Foundation1764150000000 } from './1764150000000-foundation.js';

/** Every migration, oldest first. A new migration is added here as well as in this folder. */
export const MIGRATIONS = [Foundation1764150000000];
