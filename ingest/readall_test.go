package ingest

import (
	"bytes"
	"errors"
	"io"
	"testing"
	"testing/iotest"
)

// TestReadAll checks that readAll reads what io.ReadAll reads, whether the
// size it is given is right, too small, too big or unknown, and returns
// the reader's error.
func TestReadAll(t *testing.T) {
	data := bytes.Repeat([]byte("taper FIT "), 5000)
	for _, size := range []int64{-1, 0, 1, 4999, int64(len(data)) - 1, int64(len(data)), int64(len(data)) + 1, 100000, 9 << 20} {
		for name, r := range map[string]io.Reader{
			"whole":    bytes.NewReader(data),
			"one byte": iotest.OneByteReader(bytes.NewReader(data)),
			"half":     iotest.HalfReader(bytes.NewReader(data)),
		} {
			got, err := readAll(r, size)
			if err != nil || !bytes.Equal(got, data) {
				t.Errorf("size %d, %s reader: read %d bytes (%v), want %d", size, name, len(got), err, len(data))
			}
		}
	}
	boom := errors.New("boom")
	r := io.MultiReader(bytes.NewReader(data[:100]), iotest.ErrReader(boom))
	if got, err := readAll(r, int64(len(data))); !errors.Is(err, boom) || !bytes.Equal(got, data[:100]) {
		t.Errorf("failing reader: read %d bytes (%v), want 100 bytes and %v", len(got), err, boom)
	}
}
