/**
 * Messages for two surfaces. The CLI names its flags (`--exclude`), the app its form fields ("Exclude"). A core
 * message that names a setting of either shell writes both as `--flag / Field` (inside parentheses); `forSurface`
 * keeps the one the reader has. Input-spec messages, which say more than a name, have a wording per surface
 * (input-spec.ts SPEC_WORDS).
 */
export type Surface = 'cli' | 'app';

const BOTH = /(--[a-z][a-z0-9-]*) \/ ([^();]+?)(?=\))/g;

/** `excluded by name (--exclude / Exclude)` → `excluded by name (--exclude)` in the CLI, `excluded by name (Exclude)` in the app. */
export function forSurface(text: string, surface: Surface): string {
  return text.replace(BOTH, (_, flag: string, field: string) => (surface === 'cli' ? flag : field));
}
