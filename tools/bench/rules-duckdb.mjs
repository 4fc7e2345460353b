// The generated rules (generate_rules.py) in DuckDB (npm @duckdb/node-api), on a loaded table.
//   node rules-duckdb.mjs DIR QUERIES.sql RUNS     (DIR holds allocations.csv)
// Loads allocations.csv into a table once (typed as in four-checks-duckdb.mjs), then runs the
// queries of QUERIES.sql one after the other, RUNS times. Prints the canonical lines of
// compare.py (of the last run) on stdout and, on stderr, one line the benchmark reads:
//   duckdb-rules: load L s, queries Q s (best of RUNS: q1 q2 ...)
// The load is reported apart: the benchmark compares the queries alone with `toets check` on the
// CSV, loading included.

import { readFileSync } from 'node:fs';
import { DuckDBInstance } from '@duckdb/node-api';

const [dir, queriesPath, runsText] = process.argv.slice(2);
const runs = Number(runsText ?? 1);
if (!dir || !queriesPath || !(runs >= 1)) {
  console.error('usage: node rules-duckdb.mjs DIR QUERIES.sql RUNS');
  process.exit(2);
}
const quote = (s) => `'${s.replaceAll("'", "''")}'`;
const seconds = (from) => Number(process.hrtime.bigint() - from) / 1e9;

// One statement per ';' at a line end (generate_rules.py writes them so).
const statements = readFileSync(queriesPath, 'utf8').split(/;\n/).map((s) => s.trim()).filter((s) => s);

const instance = await DuckDBInstance.create(':memory:');
const db = await instance.connect();
const loadStart = process.hrtime.bigint();
await db.run(`CREATE TABLE allocations AS SELECT * FROM read_csv(${quote(dir + '/allocations.csv')}, header = true,
  columns = {'allocation_id': 'VARCHAR', 'corporation': 'VARCHAR', 'municipality': 'VARCHAR', 'kern': 'VARCHAR',
             'neighbourhood': 'VARCHAR', 'contract_date': 'DATE', 'dwelling_id': 'VARCHAR', 'segment': 'VARCHAR',
             'daeb': 'BOOLEAN', 'new_build': 'BOOLEAN', 'rent': 'DECIMAL(12,2)', 'household_size': 'INTEGER',
             'household_income': 'DECIMAL(12,2)', 'applicant_age': 'INTEGER', 'channel': 'VARCHAR',
             'energy_label': 'VARCHAR'})`);
const load = seconds(loadStart);

const times = [];
let out = [];
for (let run = 0; run < runs; ++run) {
  out = [];
  const start = process.hrtime.bigint();
  for (const sql of statements) {
    if (sql.startsWith('CREATE')) {
      if (run === 0) await db.run(sql);
      continue;
    }
    const reader = await db.runAndReadAll(sql);
    for (const row of reader.getRows()) out.push(String(row[0]));
  }
  times.push(seconds(start));
}
process.stdout.write(out.join('\n') + '\n');
console.error(`duckdb-rules: load ${load.toFixed(3)} s, queries ${Math.min(...times).toFixed(3)} s ` +
              `(best of ${runs}: ${times.map((t) => t.toFixed(3)).join(' ')})`);
