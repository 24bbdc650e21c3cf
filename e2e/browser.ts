import { existsSync } from 'node:fs';

/** Chromium used by e2e and bench: PARETO_CHROMIUM (or CHROMIUM_PATH) overrides /usr/bin/chromium. */
export function chromiumPath(): string {
  const path = process.env.PARETO_CHROMIUM ?? process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  if (!existsSync(path)) {
    throw new Error(
      `No Chromium found at ${path}. Install it (Debian: apt-get install -y chromium) ` +
        `or point PARETO_CHROMIUM at a Chrome/Chromium binary.`,
    );
  }
  return path;
}

/** Flags that work headless as root on a machine with no outside network. */
export function chromiumArgs(): string[] {
  return [
    '--no-sandbox',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
    '--disable-quic',
    '--enable-unsafe-webgpu',
  ];
}
