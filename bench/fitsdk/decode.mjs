import { Decoder, Stream } from '@garmin/fitsdk';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
const dir = process.argv[2];
const files = [];
const walk = d => { for (const n of readdirSync(d)) { const p = join(d, n); if (statSync(p).isDirectory()) walk(p); else if (n.toLowerCase().endsWith('.fit')) files.push(p); } };
walk(dir);
files.sort();
const t0 = process.hrtime.bigint();
let records = 0, bytes = 0, errors = 0;
for (const f of files) {
  const buf = readFileSync(f);
  bytes += buf.length;
  const dec = new Decoder(Stream.fromBuffer(buf));
  const { messages, errors: errs } = dec.read();
  records += (messages.recordMesgs || []).length;
  errors += errs.length;
}
const s = Number(process.hrtime.bigint() - t0) / 1e9;
console.log(JSON.stringify({ files: files.length, bytes, records, errors, seconds: s, records_per_s: Math.round(records / s) }));
