package store

import (
	"context"
	"fmt"
	"math"
	"testing"
	"time"

	"github.com/taper-run/taper/analysis"
	"github.com/taper-run/taper/synth"
)

// TestBatchOfMixedChannels writes, in one batch, activities with different
// channels (GPS with power, a treadmill run without position, a session
// with heart rate only, GPS dropouts inside a run) in an order that
// interleaves their column sets, and reads each one's records back as
// written: the per-set inserts leave what an activity lacks NULL and put
// nothing of one activity into another.
//
// It runs with the vectors written in place (fillInPlace) and with
// duckdb-go's setters, which must store the same.
func TestBatchOfMixedChannels(t *testing.T) {
	if !rawChunkOK {
		t.Error("duckdb-go's DataChunk no longer starts with its chunk handle: the writer fills vectors value by value (see rawchunk.go)")
	}
	var sums []string
	for _, inPlace := range []bool{true, false} {
		t.Run(fmt.Sprintf("inPlace=%v", inPlace), func(t *testing.T) {
			defer func(v bool) { fillInPlace = v }(fillInPlace)
			fillInPlace = inPlace && rawChunkOK
			before := rawChunks.Load()
			sums = append(sums, mixedChannels(t))
			if filled := rawChunks.Load() - before; inPlace != (filled > 0) {
				t.Errorf("%d chunks filled in place, in place %v: the in-place path's checks refused DuckDB's chunks", filled, inPlace)
			}
		})
	}
	if len(sums) == 2 && sums[0] != sums[1] {
		t.Errorf("samples written in place differ from those written by duckdb-go's setters: %s vs %s", sums[0], sums[1])
	}
}

// mixedChannels is TestBatchOfMixedChannels with one way of filling
// vectors; it returns a checksum of the samples table.
func mixedChannels(t *testing.T) string {
	ctx := context.Background()
	db := openTest(t)
	start := time.Date(2026, 5, 4, 7, 0, 0, 0, time.UTC)
	var acts []*analysis.Activity
	for i := range 6 {
		a := synth.Workout(synth.Spec{Kind: synth.Easy, Start: start.AddDate(0, 0, i), Seed: int64(i + 1), Duration: 20 * time.Minute})
		a.ID = ""
		for k := range a.Samples {
			s := &a.Samples[k]
			switch i % 3 {
			case 0: // with power, and a GPS dropout
				s.Power = float64(200 + k%50)
				if k > 100 && k < 130 {
					s.Lat, s.Lon = math.NaN(), math.NaN()
				}
			case 1: // treadmill: no position or altitude
				s.Lat, s.Lon, s.Altitude = math.NaN(), math.NaN(), math.NaN()
			case 2: // heart rate only
				s.Lat, s.Lon, s.Altitude, s.Speed, s.Distance, s.Cadence = math.NaN(), math.NaN(), math.NaN(), math.NaN(), math.NaN(), math.NaN()
			}
		}
		Quantize(a)
		acts = append(acts, a)
	}
	var files []FileResult
	for i, a := range acts {
		files = append(files, file(fmt.Sprintf("f%d.fit", i), fmt.Sprintf("sha%d", i), a))
	}
	write(t, db, "ann", files...)
	got, err := db.Activities(ctx, Filter{Athlete: "ann", WithSamples: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(acts) {
		t.Fatalf("%d activities read, want %d", len(got), len(acts))
	}
	same := func(x, y float64) bool { return x == y || (x != x && y != y) || math.Abs(x-y) < 1e-6 }
	for i, g := range got {
		w := acts[i]
		if len(g.Samples) != len(w.Samples) {
			t.Fatalf("activity %d: %d records, want %d", i, len(g.Samples), len(w.Samples))
		}
		for k := range w.Samples {
			a, b := g.Samples[k], w.Samples[k]
			if !a.Time.Equal(b.Time) || !same(a.Lat, b.Lat) || !same(a.Lon, b.Lon) || !same(a.Altitude, b.Altitude) ||
				!same(a.HeartRate, b.HeartRate) || !same(a.Cadence, b.Cadence) || !same(a.Speed, b.Speed) ||
				!same(a.Distance, b.Distance) || !same(a.Power, b.Power) {
				t.Fatalf("activity %d record %d:\n got %+v\nwant %+v", i, k, a, b)
			}
		}
	}
	// Three column sets, three statements: no power column was written for
	// the runs without power.
	_, rows, err := db.Query(ctx, `SELECT count(power), count(lat), count(*) FROM samples`)
	if err != nil {
		t.Fatal(err)
	}
	want := 0
	for i, a := range acts {
		if i%3 == 0 {
			want += len(a.Samples)
		}
	}
	if fmt.Sprint(rows[0][0]) != fmt.Sprint(want) {
		t.Errorf("count(power) = %v, want %d", rows[0][0], want)
	}
	_, rows, err = db.Query(ctx, `SELECT count(*), sum(hash(key, t, lat, lon, altitude, heart_rate, cadence, speed, distance, power)) FROM samples`)
	if err != nil {
		t.Fatal(err)
	}
	return fmt.Sprint(rows[0]...)
}

// TestQuantizeAndPrepare: the one-pass QuantizeAndPrepare gives the
// samples and columns Quantize then PrepareRecords give, for activities
// with every channel, dropouts, values beyond the columns' range and
// samples without a time.
func TestQuantizeAndPrepare(t *testing.T) {
	start := time.Date(2026, 5, 4, 7, 0, 0, 123456789, time.FixedZone("x", 3600))
	kinds := []synth.Kind{synth.Intervals, synth.Tempo, synth.Long, synth.Easy, synth.Hills, synth.RunWalk, synth.Ride}
	for i := range 8 {
		a := synth.Workout(synth.Spec{Kind: kinds[i%len(kinds)], Start: start.AddDate(0, 0, i), Seed: int64(i + 1), Duration: 15 * time.Minute})
		for k := range a.Samples {
			s := &a.Samples[k]
			s.Time = s.Time.Add(time.Duration(k*7919%1000) * time.Microsecond) // off the millisecond
			switch (k + i) % 97 {
			case 1:
				s.Lat, s.Lon = math.NaN(), math.NaN()
			case 2:
				s.Altitude = 1e12 // beyond the column
			case 3:
				s.Time = time.Time{}
			case 4:
				s.Distance = 1e20
			case 5:
				s.HeartRate, s.Cadence = math.NaN(), 1e40
			}
			if i%2 == 0 {
				s.Power = 180 + float64(k%40) + 0.3
			}
		}
		b := *a
		b.Samples = append([]analysis.Sample(nil), a.Samples...)
		Quantize(a)
		want := PrepareRecords(a)
		got := QuantizeAndPrepare(&b)
		if w, g := fmt.Sprintf("%+v", *want), fmt.Sprintf("%+v", *got); w != g {
			t.Errorf("activity %d: columns differ:\nQuantize+PrepareRecords %.300s\nQuantizeAndPrepare      %.300s", i, w, g)
		}
		if w, g := fmt.Sprintf("%v", a.Samples), fmt.Sprintf("%v", b.Samples); w != g {
			t.Errorf("activity %d: quantized samples differ", i)
		}
	}
}
