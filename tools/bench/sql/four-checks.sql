-- The four benchmark checks of tools/bench/four-checks.toets, written by hand for the sqlite3
-- command-line shell: import the canonical CSV files, then query. tools/benchmark.sh times this
-- (import included) against the engine and compares the answers group by group.
--
-- Run in the folder that holds allocations.csv and stock.csv:
--   sqlite3 :memory: < four-checks.sql
-- Output: one line per group, tab-separated: check, group, status, detail (see
-- tools/bench/compare.py, which turns the engine's JSON into the same lines).
-- The as-of date of the deadline check is 2026-12-31, as tools/benchmark.sh passes to toets.
--
-- Money is imported as REAL. Comparisons stay exact: both sides are two-decimal amounts far below
-- 2^53 cents, which parse to distinct doubles in the same order as their decimal values, and an
-- amount equal to a limit parses to the same double as the limit.

CREATE TABLE allocations(
  allocation_id TEXT, corporation TEXT, municipality TEXT, kern TEXT, neighbourhood TEXT,
  contract_date TEXT, dwelling_id TEXT, segment TEXT, daeb TEXT, new_build TEXT, rent REAL,
  household_size INTEGER, household_income REAL, applicant_age INTEGER, channel TEXT,
  energy_label TEXT);
CREATE TABLE stock(
  dwelling_id TEXT, snapshot_date TEXT, corporation TEXT, municipality TEXT, kern TEXT,
  neighbourhood TEXT, segment TEXT, daeb TEXT, rent REAL, energy_label TEXT, monument TEXT,
  zero_step TEXT, flex TEXT);
.import --csv --skip 1 allocations.csv allocations
.import --csv --skip 1 stock.csv stock
.mode list
.headers off

-- The DAEB income limits (shared/design/domain.md), typed in again, not read from the rules.
CREATE TABLE daeb_limit(year TEXT PRIMARY KEY, one REAL, more REAL);
INSERT INTO daeb_limit VALUES ('2021', 40024, 40024), ('2022', 40765, 45014), ('2023', 44035, 48625),
                              ('2024', 47699, 52671), ('2025', 49669, 54847), ('2026', 51537, 56910);
CREATE TABLE settings(as_of TEXT, deadline TEXT);
INSERT INTO settings VALUES ('2026-12-31', '2028-12-31');

-- 1. Free allocation space per corporation and year: lets of DAEB social homes; share above the
-- DAEB limit for the household's size and the let's year; signal > 7.5%, breach > 15%.
-- A group is every (corporation, year) with a DAEB social let: groups come from the rows that
-- pass the rule's filter.
SELECT 'vrije-toewijzingsruimte' || char(9) || 'corporation=' || corporation || '|year=' || year || char(9) ||
       CASE WHEN n = 0 THEN 'no_data' WHEN k * 100 > 15 * n THEN 'breach'
            WHEN k * 1000 > 75 * n THEN 'signal' ELSE 'ok' END || char(9) || k || '/' || n
FROM (SELECT a.corporation, l.year,
             SUM(a.daeb = 'true' AND a.segment = 'sociaal') AS n,
             SUM(a.daeb = 'true' AND a.segment = 'sociaal'
                 AND a.household_income > CASE WHEN a.household_size = 1 THEN l.one ELSE l.more END) AS k
      FROM allocations a JOIN daeb_limit l ON l.year = substr(a.contract_date, 1, 4)
      GROUP BY a.corporation, l.year)
WHERE n > 0;

-- 2. Regular lets per corporation, kern and year: lets of social homes; share with channel
-- regulier or herstructurering; breach < 80%. An empty kern is a group of its own. Only groups
-- with a social let.
SELECT 'reguliere-toewijzing' || char(9) || 'corporation=' || corporation || '|kern=' || kern || '|year=' || year ||
       char(9) || CASE WHEN n = 0 THEN 'no_data' WHEN k * 100 < 80 * n THEN 'breach' ELSE 'ok' END ||
       char(9) || k || '/' || n
FROM (SELECT corporation, kern, substr(contract_date, 1, 4) AS year,
             SUM(segment = 'sociaal') AS n,
             SUM(segment = 'sociaal' AND channel IN ('regulier', 'herstructurering')) AS k
      FROM allocations GROUP BY corporation, kern, substr(contract_date, 1, 4))
WHERE n > 0;

-- 3. Special groups in Stichtse Vecht per corporation and year: lets of social homes in the
-- municipality; share with channel urgent, statushouder, uitstroom_mobw or wonen_eerst; signal
-- below 30%. The rule set's municipality scope compares without case and outer spaces.
SELECT 'bijzondere-doelgroepen' || char(9) || 'corporation=' || corporation || '|year=' || year || char(9) ||
       CASE WHEN n = 0 THEN 'no_data' WHEN k * 100 < 30 * n THEN 'signal' ELSE 'ok' END || char(9) || k || '/' || n
FROM (SELECT corporation, substr(contract_date, 1, 4) AS year,
             SUM(segment = 'sociaal') AS n,
             SUM(segment = 'sociaal' AND channel IN ('urgent', 'statushouder', 'uitstroom_mobw', 'wonen_eerst')) AS k
      FROM allocations WHERE lower(trim(municipality)) = 'stichtse vecht'
      GROUP BY corporation, substr(contract_date, 1, 4))
WHERE n > 0;

-- 4. E/F/G labels outside monuments per corporation and snapshot, projected to 2028-12-31.
-- Monuments (monument = true; empty counts as false) are exempt and counted apart. A snapshot
-- with no measured dwelling is no point of the series.
CREATE TABLE points AS
SELECT corporation, snapshot_date, julianday(snapshot_date) AS x,
       SUM(monument IS NOT 'true') AS records,
       SUM(monument IS NOT 'true' AND energy_label IN ('E', 'F', 'G')) AS y,
       SUM(monument = 'true') AS ex,
       SUM(monument = 'true' AND energy_label IN ('E', 'F', 'G')) AS exm
FROM stock WHERE snapshot_date <= (SELECT as_of FROM settings)
GROUP BY corporation, snapshot_date;

SELECT 'efg-labels' || char(9) || 'corporation=' || corporation || '|snapshot=' || snapshot_date || char(9) ||
       'point' || char(9) || y || '/' || records
FROM points WHERE records > 0;

WITH measured AS (SELECT * FROM points WHERE records > 0),
stats AS (SELECT corporation, COUNT(*) AS n, AVG(x) AS mx, AVG(y) AS my FROM measured GROUP BY corporation),
fit AS (SELECT m.corporation,
               SUM((m.x - s.mx) * (m.y - s.my)) / NULLIF(SUM((m.x - s.mx) * (m.x - s.mx)), 0) AS slope
        FROM measured m JOIN stats s USING (corporation) GROUP BY m.corporation),
latest AS (SELECT * FROM measured m
           WHERE snapshot_date = (SELECT MAX(snapshot_date) FROM measured q WHERE q.corporation = m.corporation)),
corporations AS (SELECT DISTINCT corporation FROM stock)
SELECT 'efg-labels' || char(9) || 'corporation=' || c.corporation || char(9) ||
       CASE WHEN l.y IS NULL THEN 'no_data'
            WHEN (SELECT as_of > deadline FROM settings) THEN CASE WHEN l.y <= 0 THEN 'ok' ELSE 'breach' END
            WHEN l.y <= 0 THEN 'on_track'
            WHEN s.n < 2 THEN 'at_risk'
            WHEN round(s.my + COALESCE(f.slope, 0) * (julianday((SELECT deadline FROM settings)) - s.mx), 9) <= 0
              THEN 'on_track'
            ELSE 'at_risk' END || char(9) ||
       CASE WHEN l.y IS NULL THEN '' ELSE 'latest=' || l.y || '|exempt=' || l.ex || '/' || l.exm END
FROM corporations c LEFT JOIN latest l USING (corporation) LEFT JOIN stats s USING (corporation)
LEFT JOIN fit f USING (corporation);
