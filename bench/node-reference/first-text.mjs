// Spawn -> first recognised text of one image, then the per-image time of the images given after it (steady rounds).
// Prints one JSON line per event on stdout; the bench reads them with its own clock from process start.
import { performance } from 'node:perf_hooks';

const [first, ...rest] = process.argv.slice(2);
const rounds = Number(process.env.REFERENCE_ROUNDS ?? '0');
const { default: Ocr } = await import('@gutenye/ocr-node');
const ocr = await Ocr.create();
const loaded = performance.now();
const lines = await ocr.detect(first);
console.log(JSON.stringify({ event: 'first-text', loadedMs: loaded, lines: lines.length, text: lines.map(l => l.text).join('\n') }));
for (let round = 0; round < rounds; round++) {
  for (const image of rest) {
    const started = performance.now();
    const found = await ocr.detect(image);
    const ms = performance.now() - started;
    const chars = found.map(l => l.text).join('').replace(/\s/g, '').length;
    console.log(JSON.stringify({ event: 'image', image, ms, lines: found.length, chars }));
  }
}
