/** Numbers as the slices page prints them. */
export const pct = (x: number | null, digits = 1) => (x === null ? '–' : `${(x * 100).toFixed(digits)}%`);
export const range = (ci: [number, number]) => `${(ci[0] * 100).toFixed(1)}–${(ci[1] * 100).toFixed(1)}%`;
export const count = (n: number) => n.toLocaleString('en');
