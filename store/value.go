package store

import (
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math"
	"math/big"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/duckdb/duckdb-go/v2"
)

// Blob is a BLOB value. Its text is DuckDB's: printable ASCII as is, other
// bytes as \xNN.
type Blob []byte

func (b Blob) String() string {
	var sb strings.Builder
	for _, c := range b {
		if c >= 0x20 && c < 0x7f && c != '\\' {
			sb.WriteByte(c)
		} else {
			fmt.Fprintf(&sb, `\x%02X`, c)
		}
	}
	return sb.String()
}

// MarshalJSON writes the blob's text as a JSON string.
func (b Blob) MarshalJSON() ([]byte, error) { return json.Marshal(b.String()) }

// Field is one field of a STRUCT value.
type Field struct {
	Name  string
	Value any
}

// Struct is a STRUCT value, its fields in the type's order.
type Struct []Field

func (s Struct) String() string {
	parts := make([]string, len(s))
	for i, f := range s {
		parts[i] = "'" + f.Name + "': " + nestedText(f.Value)
	}
	return "{" + strings.Join(parts, ", ") + "}"
}

// MarshalJSON writes the struct as a JSON object, fields in order.
func (s Struct) MarshalJSON() ([]byte, error) {
	var b strings.Builder
	b.WriteByte('{')
	for i, f := range s {
		if i > 0 {
			b.WriteByte(',')
		}
		k, _ := json.Marshal(f.Name)
		v, err := json.Marshal(JSONValue(f.Value))
		if err != nil {
			return nil, err
		}
		b.Write(k)
		b.WriteByte(':')
		b.Write(v)
	}
	b.WriteByte('}')
	return []byte(b.String()), nil
}

// MapEntry is one entry of a MAP value.
type MapEntry struct {
	Key, Value any
}

// Map is a MAP value, its entries in order.
type Map []MapEntry

func (m Map) String() string {
	parts := make([]string, len(m))
	for i, e := range m {
		parts[i] = nestedText(e.Key) + "=" + nestedText(e.Value)
	}
	return "{" + strings.Join(parts, ", ") + "}"
}

// MarshalJSON writes the map as a JSON object whose keys are the keys'
// text, entries in order.
func (m Map) MarshalJSON() ([]byte, error) {
	s := make(Struct, len(m))
	for i, e := range m {
		s[i] = Field{Name: FormatValue(e.Key), Value: e.Value}
	}
	return s.MarshalJSON()
}

// FormatValue is the text of a value Stream returns, as DuckDB's own
// client prints it: floats in full (shortest exact form), DECIMAL with its
// scale, timestamps in RFC 3339 (UTC), lists as [a, b], structs as
// {'k': v}, maps as {k=v}; "NULL" for nil.
func FormatValue(v any) string {
	switch x := v.(type) {
	case nil:
		return "NULL"
	case string:
		return x
	case float64:
		return formatFloat(x, 64)
	case float32:
		return formatFloat(float64(x), 32)
	case time.Time:
		return x.UTC().Format(time.RFC3339Nano)
	case []any:
		parts := make([]string, len(x))
		for i, e := range x {
			parts[i] = nestedText(e)
		}
		return "[" + strings.Join(parts, ", ") + "]"
	case []byte:
		return Blob(x).String()
	case fmt.Stringer:
		return x.String()
	}
	return fmt.Sprint(v)
}

// nestedText is a value's text inside a list, struct or map: strings are
// quoted as DuckDB quotes them there.
func nestedText(v any) string {
	if s, ok := v.(string); ok {
		return "'" + strings.ReplaceAll(s, "'", "''") + "'"
	}
	return FormatValue(v)
}

func formatFloat(f float64, bits int) string {
	switch {
	case math.IsNaN(f):
		return "nan"
	case math.IsInf(f, 1):
		return "inf"
	case math.IsInf(f, -1):
		return "-inf"
	}
	if a := math.Abs(f); a != 0 && (a < 1e-6 || a >= 1e21) {
		return strconv.FormatFloat(f, 'g', -1, bits)
	}
	return strconv.FormatFloat(f, 'f', -1, bits)
}

// JSONValue is v as encoding/json should write it: NaN and infinities
// (which JSON cannot hold) as null, times in RFC 3339 (UTC).
func JSONValue(v any) any {
	switch x := v.(type) {
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return nil
		}
	case float32:
		if math.IsNaN(float64(x)) || math.IsInf(float64(x), 0) {
			return nil
		}
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = JSONValue(e)
		}
		return out
	case time.Time:
		return x.UTC().Format(time.RFC3339Nano)
	}
	return v
}

// value turns what the driver returns for a column of type ti (nil when
// unknown) into a plain value with a natural text and JSON form: DECIMAL a
// json.Number, INTERVAL, UUID, DATE and TIME strings, TIMESTAMP a UTC
// time.Time, BLOB a Blob, LIST and ARRAY []any, STRUCT a Struct, MAP a Map.
func value(v any, ti duckdb.TypeInfo) any {
	if v == nil {
		return nil
	}
	var t duckdb.Type
	if ti != nil {
		t = ti.InternalType()
	}
	switch x := v.(type) {
	case duckdb.Decimal:
		return json.Number(decimalText(x))
	case duckdb.Interval:
		return intervalText(x)
	case duckdb.OrderedMap:
		return mapValue(&x, ti)
	case *duckdb.OrderedMap:
		return mapValue(x, ti)
	case map[string]any:
		return structValue(x, ti)
	case []any:
		var child duckdb.TypeInfo
		if ti != nil {
			switch d := ti.Details().(type) {
			case *duckdb.ListDetails:
				child = d.Child
			case *duckdb.ArrayDetails:
				child = d.Child
			}
		}
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = value(e, child)
		}
		return out
	case []byte:
		if t == duckdb.TYPE_UUID {
			return uuidText(x)
		}
		if t == duckdb.TYPE_VARCHAR {
			return string(x)
		}
		return Blob(x)
	case time.Time:
		switch t {
		case duckdb.TYPE_DATE:
			return x.Format(time.DateOnly) // a calendar date, not an instant
		case duckdb.TYPE_TIME:
			return clockText(x)
		case duckdb.TYPE_TIME_TZ:
			return clockText(x) + x.Format("-07:00")
		}
		return x.UTC()
	case *big.Int:
		return x
	}
	return v
}

func decimalText(d duckdb.Decimal) string {
	if d.Value == nil {
		return "0"
	}
	s := new(big.Int).Abs(d.Value).String()
	if scale := int(d.Scale); scale > 0 {
		if len(s) <= scale {
			s = strings.Repeat("0", scale-len(s)+1) + s
		}
		s = s[:len(s)-scale] + "." + s[len(s)-scale:]
	}
	if d.Value.Sign() < 0 {
		s = "-" + s
	}
	return s
}

// intervalText writes an interval as DuckDB does: "1 year 2 months 3 days
// 04:05:06.5", "00:05:00".
func intervalText(iv duckdb.Interval) string {
	var parts []string
	unit := func(n int64, one string) {
		if n == 0 {
			return
		}
		s := strconv.FormatInt(n, 10) + " " + one
		if n != 1 && n != -1 {
			s += "s"
		}
		parts = append(parts, s)
	}
	unit(int64(iv.Months)/12, "year")
	unit(int64(iv.Months)%12, "month")
	unit(int64(iv.Days), "day")
	if iv.Micros != 0 || len(parts) == 0 {
		us := iv.Micros
		sign := ""
		if us < 0 {
			sign, us = "-", -us
		}
		s := fmt.Sprintf("%s%02d:%02d:%02d", sign, us/3600e6, us/60e6%60, us/1e6%60)
		if frac := us % 1e6; frac != 0 {
			s += strings.TrimRight(fmt.Sprintf(".%06d", frac), "0")
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, " ")
}

func clockText(t time.Time) string {
	s := t.Format("15:04:05")
	if ns := t.Nanosecond(); ns != 0 {
		s += strings.TrimRight(fmt.Sprintf(".%09d", ns), "0")
	}
	return s
}

func uuidText(b []byte) string {
	h := hex.EncodeToString(b)
	if len(h) != 32 {
		return h
	}
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

func structValue(m map[string]any, ti duckdb.TypeInfo) any {
	var out Struct
	if ti != nil {
		if d, ok := ti.Details().(*duckdb.StructDetails); ok {
			for _, e := range d.Entries {
				out = append(out, Field{Name: e.Name(), Value: value(m[e.Name()], e.Info())})
			}
			return out
		}
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		out = append(out, Field{Name: k, Value: value(m[k], nil)})
	}
	return out
}

func mapValue(m *duckdb.OrderedMap, ti duckdb.TypeInfo) any {
	var kt, vt duckdb.TypeInfo
	if ti != nil {
		if d, ok := ti.Details().(*duckdb.MapDetails); ok {
			kt, vt = d.Key, d.Value
		}
	}
	keys, vals := m.Keys(), m.Values()
	out := make(Map, len(keys))
	for i := range keys {
		out[i] = MapEntry{Key: value(keys[i], kt), Value: value(vals[i], vt)}
	}
	return out
}
