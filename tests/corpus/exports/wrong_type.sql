-- teams.parquet with `headcount` written as text.
CREATE TABLE edited AS SELECT * REPLACE (headcount::VARCHAR || ' people' AS headcount) FROM '$DATA/teams.parquet';
COPY edited TO '$DATA/teams.parquet' (FORMAT parquet);
