-- Deterministic pseudo-random draws for the demo exports: a function of the seed and a key,
-- so the same arguments give the same rows in any order of evaluation.
CREATE OR REPLACE TEMP MACRO demo_uniform(key, k) AS
    ((hash(getvariable('demo_seed'), key, k) % 1000000007)::DOUBLE + 0.5) / 1000000007.0;
CREATE OR REPLACE TEMP MACRO demo_normal(key, k) AS
    sqrt(-2 * ln(demo_uniform(key, k))) * cos(2 * pi() * demo_uniform(key, k + 7919));
CREATE OR REPLACE TEMP MACRO demo_item(latent, key, k) AS
    greatest(1, least(5, round(latent + 0.75 * demo_normal(key, k))))::SMALLINT;
-- One of the n '|'-separated choices of `choices`.
CREATE OR REPLACE TEMP MACRO demo_pick(choices, n, key, k) AS
    split_part(choices, '|', (1 + hash(getvariable('demo_seed'), key, k) % n)::BIGINT);
