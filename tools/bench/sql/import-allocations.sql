-- What `toets import` is measured against (tools/benchmark.sh): the sqlite3 shell importing the
-- allocations into a table of a database file, typed as in four-checks.sql. Run in the folder
-- that holds allocations.csv:   sqlite3 FILE.db < import-allocations.sql
CREATE TABLE allocations(
  allocation_id TEXT, corporation TEXT, municipality TEXT, kern TEXT, neighbourhood TEXT,
  contract_date TEXT, dwelling_id TEXT, segment TEXT, daeb TEXT, new_build TEXT, rent REAL,
  household_size INTEGER, household_income REAL, applicant_age INTEGER, channel TEXT,
  energy_label TEXT);
.import --csv --skip 1 allocations.csv allocations
