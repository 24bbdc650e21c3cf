import { readFileSync } from 'node:fs';
import { HOSTILE } from '../src/core/formats/onnx/hostile/corpus';
import { defaultSample, modelView, shown, type FilePayload } from './fixtures';
import { expect, test } from './test';

const list = JSON.parse(readFileSync('src/core/formats/onnx/hostile/list.json', 'utf8')) as { file: string; code: string; error: string }[];
const payload = (name: string, bytes: Uint8Array): FilePayload => ({
  name,
  mimeType: 'application/octet-stream',
  buffer: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength),
});

// Every crafted hostile model of the corpus, opened in the app (with its companion data files): the banner gives
// that model's own message, and the sample that was loaded stays.
test('every hostile model of the corpus gets its own message in a banner; the loaded model stays', async ({ page }) => {
  test.setTimeout(120_000);
  await page.goto('/');
  const summary = modelView(page, defaultSample());
  await shown(summary);
  const banner = page.getByTestId('error-banner');
  for (const { file, code, error } of list) {
    const c = HOSTILE[file]();
    const files = [payload('model.onnx', c.model), ...Object.entries(c.data ?? {}).map(([loc, bytes]) => payload(loc, bytes))];
    await page.getByTestId('file-input').setInputFiles(files);
    await shown(banner);
    await expect(banner, file).toHaveAttribute('data-error-code', code);
    await expect(banner, file).toContainText(error);
    await expect(summary, file).toBeVisible();
    await page.getByRole('button', { name: 'Dismiss error' }).click();
    try {
      await expect(banner).toHaveCount(0);
    } catch (e) {
      // Seen once (one run in ~40, a loaded machine): say which model, and what the banner that stayed says.
      const says = `[${await banner.first().getAttribute('data-error-code').catch(() => '?')}] ${await banner.first().innerText().catch(() => '?')}`;
      throw new Error(`${file}: ${await banner.count()} error banner(s) still shown after Dismiss: ${says}`, { cause: e });
    }
  }
});
