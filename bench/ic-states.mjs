/**
 * Which of a process's inline caches went polymorphic or megamorphic: reads the V8 logs of two
 * gateways run with `--log-ic` under the same load (BENCH_NODE_FLAGS, or by hand), and prints
 * the code locations whose last state is worse in the second than in the first — the "same code,
 * slower" that neither instructions nor profiles show (bench/README.md, "4 December 2026,
 * afternoon").
 *
 *   node --log-ic --logfile=off.log --no-logfile-per-isolate dist/src/main.js   (then load it, stop it)
 *   node bench/ic-states.mjs off.log on.log [how many to print] [only locations matching this regular expression]
 *
 * An IC event names only the code address it happened at: the address is mapped to its function
 * through the log's code-creation and code-move events. States: 0 uninitialized, 1 monomorphic,
 * P polymorphic, N megamorphic.
 */
import console from 'node:console';
import fs from 'node:fs';
import process from 'node:process';
import readline from 'node:readline';

/** code location ("function file:line:col|line:col|property") → its last IC state. */
async function lastStates(file) {
  const starts = []; // sorted code start addresses
  const code = new Map(); // start → { size, name }
  const insert = (address) => {
    let lo = 0;
    let hi = starts.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (starts[mid] < address) lo = mid + 1;
      else hi = mid;
    }
    if (starts[lo] !== address) starts.splice(lo, 0, address);
  };
  const containing = (pc) => {
    let lo = 0;
    let hi = starts.length - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (starts[mid] <= pc) {
        found = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    if (found < 0) return '?';
    const entry = code.get(starts[found]);
    return pc < starts[found] + entry.size + 64 ? entry.name : '?';
  };
  const states = new Map();
  const lines = readline.createInterface({ input: fs.createReadStream(file, { encoding: 'latin1' }), crlfDelay: Infinity });
  for await (const line of lines) {
    const f = line.split(',');
    if (f[0] === 'code-creation' && f.length > 6) {
      const address = parseInt(f[4], 16);
      code.set(address, { size: Number(f[5]), name: (f[1] === 'JS' ? f.slice(6, -2).join(',') : f[6]).trim() });
      insert(address);
    } else if ((f[0] === 'code-move' || f[0] === 'sfi-move') && f.length >= 3) {
      const from = parseInt(f[1], 16);
      const entry = code.get(from);
      if (!entry) continue;
      code.delete(from);
      starts.splice(starts.indexOf(from), 1);
      const to = parseInt(f[2], 16);
      code.set(to, entry);
      insert(to);
    } else if (f[0].endsWith('IC') && f.length >= 10) {
      const pc = parseInt(f[1], 16);
      if (Number.isNaN(pc)) continue;
      states.set(`${f[0]} ${containing(pc).slice(0, 100)}|${f[3]}:${f[4]}|${f[8]}`, f[6]);
    }
  }
  return states;
}

const [first, second, count = '60', only = ''] = process.argv.slice(2);
const matching = new RegExp(only);
const rank = { 1: 1, '^': 1, P: 2, N: 3, G: 3 };
const [before, after] = await Promise.all([lastStates(first), lastStates(second)]);
// Seen in both (code the two ran alike), and worse in the second: one shape more somewhere.
const worse = [...after].filter(
  ([site, state]) => matching.test(site) && before.has(site) && (rank[state] ?? 0) >= 2 && (rank[state] ?? 0) > (rank[before.get(site)] ?? 0),
);
console.log(`${worse.length} locations worse in ${second} than in ${first}`);
for (const [site, state] of worse.slice(0, Number(count))) console.log(`${before.get(site)} → ${state}  ${site}`);
