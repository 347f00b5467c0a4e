package store

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// openSandbox opens a fresh database file read-only in the sandbox, as
// taper sql does.
func openSandbox(t *testing.T) *DB {
	t.Helper()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "q.duckdb")
	rw, err := Open(ctx, path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	rw.Close()
	db, err := Open(ctx, path, Options{ReadOnly: true, Sandbox: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func TestQueryRefusesWhatIsNotOneReadOnlyStatement(t *testing.T) {
	db := openSandbox(t)
	dir := t.TempDir()
	leak := filepath.Join(dir, "leak.csv")
	secret := filepath.Join(dir, "secret.txt")
	if err := os.WriteFile(secret, []byte("secret"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name, query string
		refused     bool // a *QueryError before running; else DuckDB's error
	}{
		{"second statement writes a file", "SELECT 1; COPY (SELECT id FROM activities) TO '" + leak + "'", true},
		{"second statement sets", "SELECT 1; SET enable_external_access = true", true},
		{"copy", "COPY (SELECT 1) TO '" + leak + "'", true},
		{"set", "SET enable_external_access = true", true},
		{"install", "INSTALL httpfs", true},
		{"load", "LOAD httpfs", true},
		{"attach", "ATTACH '" + leak + "' AS x", true},
		{"delete", "DELETE FROM activities", true},
		{"cte then delete", "WITH x AS (SELECT 1) DELETE FROM activities", false},
		{"read a file", "SELECT * FROM read_text('" + secret + "')", false},
		{"scan a file", "SELECT * FROM '" + secret + "'", false},
		{"pragma", "PRAGMA enable_profiling", true},
		{"profiling output", "SELECT current_setting('profiling_output'); SET profiling_output = '" + leak + "'", true},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, rows, err := db.Query(context.Background(), c.query)
			if err == nil {
				t.Fatalf("%s: ran (rows %v), want refused", c.query, rows)
			}
			var qe *QueryError
			if c.refused && !errors.As(err, &qe) {
				t.Errorf("%s: %v, want a *QueryError", c.query, err)
			}
			if strings.Contains(err.Error(), "secret") && !strings.Contains(c.query, "secret") {
				t.Errorf("error shows the file's content: %v", err)
			}
			if _, err := os.Stat(leak); err == nil {
				t.Fatalf("%s wrote %s", c.query, leak)
			}
		})
	}
	var qe *QueryError
	_, _, err := db.Query(context.Background(), "SELECT 1; SELECT 2")
	if !errors.As(err, &qe) || !strings.Contains(qe.Hint(), "one read-only statement") {
		t.Errorf("refusal %v should say what runs (hint %q)", err, qe.Hint())
	}
}

func TestQueryValues(t *testing.T) {
	db := openSandbox(t)
	q := `SELECT 51.50800005::DOUBLE AS f, 0.000123::DOUBLE AS small, 12.34::DECIMAL(8,2) AS d, -0.05::DECIMAL(4,3) AS neg,
		INTERVAL 5 MINUTE AS i, INTERVAL '1 year 2 months 3 days 4 hours' AS i2,
		'6ba7b810-9dad-11d1-80b4-00c04fd430c8'::UUID AS u, [1.5, 2.25] AS l, [0.1::DOUBLE] AS fl, {'b': 1, 'a': 'x'} AS s,
		MAP {'k': 2} AS m, DATE '2026-10-04' AS day, TIME '07:08:09.5' AS t,
		TIMESTAMP '2026-10-04 09:30:00.25' AS ts, 170141183460469231731687303715884105727::HUGEINT AS h, NULL AS n`
	cols, rows, err := db.Query(context.Background(), q)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 1 {
		t.Fatalf("%d rows", len(rows))
	}
	text := map[string]string{}
	for i, c := range cols {
		text[c] = FormatValue(rows[0][i])
	}
	want := map[string]string{
		"f": "51.50800005", "small": "0.000123", "d": "12.34", "neg": "-0.050", "i": "00:05:00",
		"i2": "1 year 2 months 3 days 04:00:00", "u": "6ba7b810-9dad-11d1-80b4-00c04fd430c8", "l": "[1.50, 2.25]",
		"s": "{'b': 1, 'a': 'x'}", "m": "{'k'=2}", "day": "2026-10-04", "t": "07:08:09.5",
		"ts": "2026-10-04T09:30:00.25Z", "h": "170141183460469231731687303715884105727", "n": "NULL", "fl": "[0.1]",
	}
	for k, w := range want {
		if text[k] != w {
			t.Errorf("%s: text %q, want %q", k, text[k], w)
		}
	}
	obj := map[string]json.RawMessage{}
	for i, c := range cols {
		b, err := json.Marshal(JSONValue(rows[0][i]))
		if err != nil {
			t.Fatalf("%s: %v", c, err)
		}
		obj[c] = b
	}
	wantJSON := map[string]string{
		"f": "51.50800005", "d": "12.34", "neg": "-0.050", "i": `"00:05:00"`, "u": `"6ba7b810-9dad-11d1-80b4-00c04fd430c8"`,
		"l": "[1.50,2.25]", "s": `{"b":1,"a":"x"}`, "m": `{"k":2}`, "day": `"2026-10-04"`, "t": `"07:08:09.5"`,
		"ts": `"2026-10-04T09:30:00.25Z"`, "h": "170141183460469231731687303715884105727", "n": "null",
	}
	for k, w := range wantJSON {
		if string(obj[k]) != w {
			t.Errorf("%s: JSON %s, want %s", k, obj[k], w)
		}
	}
}
