export type FeatureSpec =
  | { type: 'number'; min?: number; max?: number; required?: boolean }
  | { type: 'category'; values: string[]; required?: boolean }
  | { type: 'text'; maxLength?: number; required?: boolean }
  | { type: 'boolean'; required?: boolean };

export type ModelSettings = Record<string, unknown>;
