// The service's own seeded generator (mulberry32), so that a failing random history can be replayed.
export { Rng as SeededRng } from '../../src/demo/random.js';
