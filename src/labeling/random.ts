// Kept so that candidates.repository.ts (owned by the data-access change) still resolves; import from common/random.ts.
export { SeededRandom } from '../common/random.js';
