// The four benchmark checks of tools/bench/four-checks.toets in DuckDB (npm @duckdb/node-api,
// which ships its binary; tools/benchmark.sh installs it into tools/bench/node_modules).
//   node four-checks-duckdb.mjs DIR     (DIR holds allocations.csv and stock.csv)
// Prints the canonical lines of compare.py on stdout; the time of the import and of the queries
// on stderr. DuckDB uses every core by default; the CSV is loaded into tables first, as a user
// checking several rules would, with the money columns as exact DECIMAL(12,2).

import { DuckDBInstance } from '@duckdb/node-api';

const dir = process.argv[2];
if (!dir) {
  console.error('usage: node four-checks-duckdb.mjs DIR');
  process.exit(2);
}
const quote = (s) => `'${s.replaceAll("'", "''")}'`;
const started = process.hrtime.bigint();
const seconds = (from) => Number(process.hrtime.bigint() - from) / 1e9;

const instance = await DuckDBInstance.create(':memory:');
const db = await instance.connect();

await db.run(`CREATE TABLE allocations AS SELECT * FROM read_csv(${quote(dir + '/allocations.csv')}, header = true,
  columns = {'allocation_id': 'VARCHAR', 'corporation': 'VARCHAR', 'municipality': 'VARCHAR', 'kern': 'VARCHAR',
             'neighbourhood': 'VARCHAR', 'contract_date': 'DATE', 'dwelling_id': 'VARCHAR', 'segment': 'VARCHAR',
             'daeb': 'BOOLEAN', 'new_build': 'BOOLEAN', 'rent': 'DECIMAL(12,2)', 'household_size': 'INTEGER',
             'household_income': 'DECIMAL(12,2)', 'applicant_age': 'INTEGER', 'channel': 'VARCHAR',
             'energy_label': 'VARCHAR'})`);
await db.run(`CREATE TABLE stock AS SELECT * FROM read_csv(${quote(dir + '/stock.csv')}, header = true,
  columns = {'dwelling_id': 'VARCHAR', 'snapshot_date': 'DATE', 'corporation': 'VARCHAR', 'municipality': 'VARCHAR',
             'kern': 'VARCHAR', 'neighbourhood': 'VARCHAR', 'segment': 'VARCHAR', 'daeb': 'BOOLEAN',
             'rent': 'DECIMAL(12,2)', 'energy_label': 'VARCHAR', 'monument': 'BOOLEAN', 'zero_step': 'BOOLEAN',
             'flex': 'BOOLEAN'})`);
const loaded = seconds(started);
const queryStart = process.hrtime.bigint();

// The DAEB income limits (shared/design/domain.md), typed in again, not read from the rules.
await db.run(`CREATE TABLE daeb_limit AS SELECT * FROM (VALUES
  (2021, 40024.00, 40024.00), (2022, 40765.00, 45014.00), (2023, 44035.00, 48625.00),
  (2024, 47699.00, 52671.00), (2025, 49669.00, 54847.00), (2026, 51537.00, 56910.00)) t(year, one, more)`);

const queries = [
  // 1. Free allocation space per corporation and year; signal > 7.5%, breach > 15%.
  `SELECT 'vrije-toewijzingsruimte' || chr(9) || 'corporation=' || corporation || '|year=' || year || chr(9) ||
          CASE WHEN n = 0 THEN 'no_data' WHEN k * 100 > 15 * n THEN 'breach'
               WHEN k * 1000 > 75 * n THEN 'signal' ELSE 'ok' END || chr(9) || k || '/' || n
   FROM (SELECT a.corporation, l.year,
                count(*) FILTER (WHERE a.daeb AND a.segment = 'sociaal') AS n,
                count(*) FILTER (WHERE a.daeb AND a.segment = 'sociaal' AND a.household_income >
                                 CASE WHEN a.household_size = 1 THEN l.one ELSE l.more END) AS k
         FROM allocations a JOIN daeb_limit l ON l.year = year(a.contract_date)
         GROUP BY a.corporation, l.year)
   WHERE n > 0`,
  // 2. Regular lets (regulier, herstructurering) per corporation, kern and year; breach < 80%.
  `SELECT 'reguliere-toewijzing' || chr(9) || 'corporation=' || corporation || '|kern=' || coalesce(kern, '') ||
          '|year=' || year || chr(9) ||
          CASE WHEN n = 0 THEN 'no_data' WHEN k * 100 < 80 * n THEN 'breach' ELSE 'ok' END || chr(9) || k || '/' || n
   FROM (SELECT corporation, kern, year(contract_date) AS year,
                count(*) FILTER (WHERE segment = 'sociaal') AS n,
                count(*) FILTER (WHERE segment = 'sociaal' AND channel IN ('regulier', 'herstructurering')) AS k
         FROM allocations GROUP BY ALL)
   WHERE n > 0`,
  // 3. Special groups in Stichtse Vecht per corporation and year; signal < 30%.
  `SELECT 'bijzondere-doelgroepen' || chr(9) || 'corporation=' || corporation || '|year=' || year || chr(9) ||
          CASE WHEN n = 0 THEN 'no_data' WHEN k * 100 < 30 * n THEN 'signal' ELSE 'ok' END || chr(9) || k || '/' || n
   FROM (SELECT corporation, year(contract_date) AS year,
                count(*) FILTER (WHERE segment = 'sociaal') AS n,
                count(*) FILTER (WHERE segment = 'sociaal' AND channel IN
                                 ('urgent', 'statushouder', 'uitstroom_mobw', 'wonen_eerst')) AS k
         FROM allocations WHERE lower(trim(municipality)) = 'stichtse vecht' GROUP BY ALL)
   WHERE n > 0`,
  // 4. E/F/G labels outside monuments per corporation and snapshot, projected to 2028-12-31
  // (as of 2026-12-31): series points, then a least-squares line per corporation.
  `CREATE TEMP TABLE points AS
   SELECT corporation, snapshot_date, CAST(date_diff('day', DATE '1970-01-01', snapshot_date) AS DOUBLE) AS x,
          count(*) FILTER (WHERE monument IS NOT TRUE) AS records,
          count(*) FILTER (WHERE monument IS NOT TRUE AND energy_label IN ('E', 'F', 'G')) AS y,
          count(*) FILTER (WHERE monument) AS ex,
          count(*) FILTER (WHERE monument AND energy_label IN ('E', 'F', 'G')) AS exm
   FROM stock WHERE snapshot_date <= DATE '2026-12-31' GROUP BY corporation, snapshot_date`,
  `SELECT 'efg-labels' || chr(9) || 'corporation=' || corporation || '|snapshot=' || snapshot_date || chr(9) ||
          'point' || chr(9) || y || '/' || records
   FROM points WHERE records > 0`,
  `WITH measured AS (SELECT * FROM points WHERE records > 0),
   stats AS (SELECT corporation, count(*) AS n, avg(x) AS mx, avg(y) AS my FROM measured GROUP BY corporation),
   fit AS (SELECT m.corporation,
                  sum((m.x - s.mx) * (m.y - s.my)) / nullif(sum((m.x - s.mx) * (m.x - s.mx)), 0) AS slope
           FROM measured m JOIN stats s USING (corporation) GROUP BY m.corporation),
   latest AS (SELECT * FROM measured QUALIFY snapshot_date = max(snapshot_date) OVER (PARTITION BY corporation)),
   corporations AS (SELECT DISTINCT corporation FROM stock)
   SELECT 'efg-labels' || chr(9) || 'corporation=' || c.corporation || chr(9) ||
          CASE WHEN l.y IS NULL THEN 'no_data'
               WHEN DATE '2026-12-31' > DATE '2028-12-31' THEN CASE WHEN l.y <= 0 THEN 'ok' ELSE 'breach' END
               WHEN l.y <= 0 THEN 'on_track'
               WHEN s.n < 2 THEN 'at_risk'
               WHEN round(s.my + coalesce(f.slope, 0) *
                          (date_diff('day', DATE '1970-01-01', DATE '2028-12-31') - s.mx), 9) <= 0 THEN 'on_track'
               ELSE 'at_risk' END || chr(9) ||
          CASE WHEN l.y IS NULL THEN '' ELSE 'latest=' || l.y || '|exempt=' || l.ex || '/' || l.exm END
   FROM corporations c LEFT JOIN latest l USING (corporation) LEFT JOIN stats s USING (corporation)
   LEFT JOIN fit f USING (corporation)`,
];

const out = [];
for (const sql of queries) {
  if (sql.trimStart().startsWith('CREATE')) {
    await db.run(sql);
    continue;
  }
  const reader = await db.runAndReadAll(sql);
  for (const row of reader.getRows()) out.push(String(row[0]));
}
process.stdout.write(out.join('\n') + '\n');
console.error(`duckdb: load ${loaded.toFixed(3)} s, queries ${seconds(queryStart).toFixed(3)} s`);
