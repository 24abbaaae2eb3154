// Spawn -> first recognised text of one image; with REFERENCE_PACED=1, then the per-image time of the images given
// after it: one round over them per line read on stdin, each ended by a "round" event, so the bench can alternate the
// reference's rounds with the worker's.
// Prints one JSON line per event on stdout; the bench reads them with its own clock from process start.
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';

const [first, ...rest] = process.argv.slice(2);
const { default: Ocr } = await import('@gutenye/ocr-node');
const ocr = await Ocr.create();
const loaded = performance.now();
const lines = await ocr.detect(first);
console.log(JSON.stringify({ event: 'first-text', loadedMs: loaded, lines: lines.length, text: lines.map(l => l.text).join('\n') }));

async function round() {
  for (const image of rest) {
    const started = performance.now();
    const found = await ocr.detect(image);
    const ms = performance.now() - started;
    const chars = found.map(l => l.text).join('').replace(/\s/g, '').length;
    console.log(JSON.stringify({ event: 'image', image, ms, lines: found.length, chars }));
  }
  console.log(JSON.stringify({ event: 'round' }));
}

if (process.env.REFERENCE_PACED === '1') {
  for await (const _ of createInterface({ input: process.stdin })) {
    await round();
  }
}
