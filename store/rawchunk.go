package store

import (
	"reflect"
	"sync/atomic"
	"unsafe"

	"github.com/duckdb/duckdb-go/v2"
	"github.com/duckdb/duckdb-go/v2/mapping"
)

// Writing a table function's vectors in place. duckdb-go (v2.10506) writes
// a numeric vector one value at a time, through an any-typed setter with
// bounds and type checks per value; for the tens of millions of values an
// import writes, that was a fifth of the writer's time. A DataChunk holds
// DuckDB's chunk handle as its first field, which the C API (through
// duckdb-go's public mapping package) gives the vectors' memory for: a
// column of the samples table is then one copy into the vector, and a
// missing value one cleared bit in its validity mask, the layout DuckDB's C
// API documents (duckdb_vector_get_validity). rawChunkOK checks once that
// the handle is where this code expects it; if a duckdb-go version moves
// it, the writer uses duckdb-go's setters, as before.

// rawChunkOK reports whether a duckdb.DataChunk starts with its
// mapping.DataChunk handle.
var rawChunkOK = func() bool {
	t := reflect.TypeFor[duckdb.DataChunk]()
	if t.Kind() != reflect.Struct || t.NumField() == 0 {
		return false
	}
	f := t.Field(0)
	return f.Name == "chunk" && f.Offset == 0 && f.Type == reflect.TypeFor[mapping.DataChunk]()
}()

// fillInPlace says whether taper_samples writes its vectors in place (a
// test turns it off to compare with duckdb-go's setters).
var fillInPlace = rawChunkOK

// rawChunks counts the chunks filled in place (for tests).
var rawChunks atomic.Int64

// rawVector is one column of a chunk being filled, in place.
type rawVector struct {
	data unsafe.Pointer // the values
	mask unsafe.Pointer // the validity mask (writable; one bit per row)
}

// rawColumns returns the columns of ch for writing in place, if ch has
// exactly the columns of types want (DuckDB's type ids), in that order;
// ok is false otherwise (the chunk's layout is not the one rawChunkOK
// checked, or DuckDB asked for other columns than taper_samples declares).
func rawColumns(ch *duckdb.DataChunk, want []mapping.Type) ([]rawVector, bool) {
	if !rawChunkOK {
		return nil, false
	}
	h := *(*mapping.DataChunk)(unsafe.Pointer(ch))
	if h.Ptr == nil || int(mapping.DataChunkGetColumnCount(h)) != len(want) {
		return nil, false
	}
	out := make([]rawVector, len(want))
	for i, t := range want {
		v := mapping.DataChunkGetVector(h, mapping.IdxT(i))
		if v.Ptr == nil {
			return nil, false
		}
		lt := mapping.VectorGetColumnType(v)
		got := mapping.GetTypeId(lt)
		mapping.DestroyLogicalType(&lt)
		if got != t {
			return nil, false
		}
		mapping.VectorEnsureValidityWritable(v)
		out[i] = rawVector{data: mapping.VectorGetData(v), mask: mapping.VectorGetValidity(v)}
		if out[i].data == nil || out[i].mask == nil {
			return nil, false
		}
	}
	return out, true
}

// setNull marks row as NULL.
func (v rawVector) setNull(row int) {
	w := (*uint64)(unsafe.Add(v.mask, (row>>6)*8))
	*w &^= 1 << (uint(row) & 63)
}

// rawFill writes vs into v from row at on, NULL where missing says so.
func rawFill[T int32 | int64 | float32](v rawVector, at int, vs []T, missing func(T) bool) {
	dst := unsafe.Slice((*T)(v.data), at+len(vs))[at:]
	copy(dst, vs)
	for i, x := range vs {
		if missing(x) {
			v.setNull(at + i)
		}
	}
}

// rawFillOffset writes vs plus offset into v from row at on, NULL for
// noTime.
func rawFillOffset(v rawVector, at int, vs []int64, offset int64) {
	dst := unsafe.Slice((*int64)(v.data), at+len(vs))[at:]
	for i, x := range vs {
		if x == noTime {
			v.setNull(at + i)
			continue
		}
		dst[i] = x + offset
	}
}

// rawFillConst writes n copies of x into v from row at on.
func rawFillConst(v rawVector, at, n int, x int32) {
	dst := unsafe.Slice((*int32)(v.data), at+n)[at:]
	for i := range dst {
		dst[i] = x
	}
}
