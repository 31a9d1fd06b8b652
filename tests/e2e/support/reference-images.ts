import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import pixelmatch from 'pixelmatch';
import { PNG } from 'pngjs';
import { repoRoot } from './server';

/** Kept in the repository: what each screen looked like when its layout was last accepted. */
export const referenceDir = path.join(repoRoot, 'tests/e2e/reference');
const diffDir = path.join(repoRoot, 'test-artifacts/reference-diffs');

/**
 * Set to 1 to write the screenshots of this run as the new references instead of comparing
 * (docs/operations.md, "Reference screenshots"); commit the changed PNGs with the change that
 * moved the layout.
 */
export const UPDATE_ENV = 'UPDATE_REFERENCE_SCREENSHOTS';

/**
 * Per-pixel colour distance (pixelmatch's YIQ threshold) below which two pixels count as the same:
 * anti-aliasing and font hinting differ a little between machines, a moved block does not.
 */
const PIXEL_THRESHOLD = 0.2;
/** Share of differing pixels a screen may have before it counts as a layout change. */
export const MAX_DIFF_RATIO = 0.01;

export interface Comparison {
  name: string;
  /** Share of pixels that differ; 0 when the reference was (re)written. */
  ratio: number;
  written: boolean;
}

/**
 * Compares a screenshot with its reference. A missing reference fails (unless updating): a
 * screen nobody accepted is not a baseline. The diff image of a failure is kept under
 * test-artifacts/reference-diffs for a look.
 */
export function compareWithReference(name: string, screenshot: Buffer): Comparison {
  const file = path.join(referenceDir, `${name}.png`);
  if (process.env[UPDATE_ENV] === '1') {
    mkdirSync(referenceDir, { recursive: true });
    writeFileSync(file, screenshot);
    return { name, ratio: 0, written: true };
  }
  if (!existsSync(file))
    throw new Error(
      `no reference image ${path.relative(repoRoot, file)}: run with ${UPDATE_ENV}=1 and commit it`,
    );
  const expected = PNG.sync.read(readFileSync(file));
  const actual = PNG.sync.read(screenshot);
  if (expected.width !== actual.width || expected.height !== actual.height)
    return { name, ratio: 1, written: false };
  const diff = new PNG({ width: actual.width, height: actual.height });
  const differing = pixelmatch(expected.data, actual.data, diff.data, actual.width, actual.height, {
    threshold: PIXEL_THRESHOLD,
  });
  const ratio = differing / (actual.width * actual.height);
  if (ratio > MAX_DIFF_RATIO) {
    mkdirSync(diffDir, { recursive: true });
    writeFileSync(path.join(diffDir, `${name}.diff.png`), PNG.sync.write(diff));
    writeFileSync(path.join(diffDir, `${name}.actual.png`), screenshot);
  }
  return { name, ratio, written: false };
}
