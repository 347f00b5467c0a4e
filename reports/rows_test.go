package reports

import (
	"bytes"
	"math"
	"strings"
	"testing"
)

func TestRowWriter(t *testing.T) {
	cols := []string{"id", "km", "note"}
	rows := [][]any{{"a1", 12.5, "easy\trun"}, {"b22", math.NaN(), nil}}
	for _, c := range []struct{ format, want string }{
		{"table", "ID   KM    NOTE\na1   12.5  easy run\nb22  -     -\n"},
		{"csv", "id,km,note\na1,12.5,easy\trun\nb22,,\n"},
		{"json", "[\n  {\"id\": \"a1\", \"km\": 12.5, \"note\": \"easy\\trun\"},\n  {\"id\": \"b22\", \"km\": null, \"note\": null}\n]\n"},
	} {
		var b bytes.Buffer
		if err := NewRowWriter(&b, c.format).WriteAll(cols, rows); err != nil {
			t.Fatal(err)
		}
		if b.String() != c.want {
			t.Errorf("%s:\n%q\nwant\n%q", c.format, b.String(), c.want)
		}
	}
	var b bytes.Buffer
	if err := NewRowWriter(&b, "json").WriteAll(cols, nil); err != nil || b.String() != "[]\n" {
		t.Errorf("no rows as JSON = %q, %v; want []", b.String(), err)
	}
}

// TestRowWriterStreams: past the first block the table keeps its widths
// (a wider cell pushes its own line only) instead of holding every row.
func TestRowWriterStreams(t *testing.T) {
	var b bytes.Buffer
	rw := NewRowWriter(&b, "table")
	if err := rw.Header([]string{"n", "x"}); err != nil {
		t.Fatal(err)
	}
	for i := 0; i <= tableBlock; i++ {
		if err := rw.Row([]any{"1", "y"}); err != nil {
			t.Fatal(err)
		}
	}
	if b.Len() == 0 {
		t.Fatal("nothing written after the first block")
	}
	if err := rw.Row([]any{"12345", "y"}); err != nil {
		t.Fatal(err)
	}
	if err := rw.Close(); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(b.String()), "\n")
	if lines[0] != "N  X" || lines[len(lines)-1] != "12345  y" {
		t.Errorf("first line %q, last line %q", lines[0], lines[len(lines)-1])
	}
}
