-- FAILURE (differential): error only on Flern (XX000)   [seed 617970408, query 242]
CREATE TABLE t0 (c0 numeric(9,3) NOT NULL, c1 integer);
CREATE TABLE t1 (c0 numeric(9,2), c1 varchar(5) NOT NULL, c2 text, c3 integer);
WITH w2 AS (SELECT 1 AS r0 FROM t0 AS a1) SELECT 1.5 AS r0 FROM w2 AS a3 WHERE ((SELECT min((s4.c1 % s4.c1)) FROM t0 AS s4 WHERE ((a3.r0 < CAST(5 AS bigint)) <= (CAST(-1 AS bigint) <= CAST('1e10' AS double precision)))) > (SELECT sum(s6.c3) FROM t1 AS s6));
-- PostgreSQL: types [1700], 0 rows:
--   
-- Flern:      ERROR XX000: a column a subquery refers to may only be renamed
