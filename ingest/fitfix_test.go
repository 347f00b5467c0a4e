package ingest

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/muktihari/fit/decoder"
	"github.com/muktihari/fit/encoder"
	"github.com/muktihari/fit/profile/basetype"
	"github.com/muktihari/fit/profile/mesgdef"
	"github.com/muktihari/fit/profile/typedef"
	"github.com/muktihari/fit/proto"
)

// genFITDev encodes a one-minute run whose file_id has a serial number
// (uint32z), with a developer field (uint32, described by a
// field_description) on every record.
func genFITDev(tb testing.TB, start time.Time) []byte {
	tb.Helper()
	msgs := []proto.Message{
		mesgdef.NewFileId(nil).SetType(typedef.FileActivity).SetManufacturer(typedef.ManufacturerGarmin).
			SetProduct(uint16(typedef.GarminProductFr255)).SetSerialNumber(3990000001).SetTimeCreated(start).ToMesg(nil),
		mesgdef.NewDeveloperDataId(nil).SetDeveloperDataIndex(0).SetApplicationVersion(7).ToMesg(nil),
		mesgdef.NewFieldDescription(nil).SetDeveloperDataIndex(0).SetFieldDefinitionNumber(0).
			SetFitBaseTypeId(basetype.Uint32).SetFieldName([]string{"stride_mm"}).ToMesg(nil),
	}
	rec := mesgdef.NewRecord(nil)
	for i := 0; i <= 60; i++ {
		m := rec.SetTimestamp(start.Add(time.Duration(i) * time.Second)).SetPositionLatDegrees(48.2 + float64(i)*3/111194.93).
			SetPositionLongDegrees(16.37).SetDistanceScaled(float64(i) * 3).SetHeartRate(uint8(130 + i%20)).ToMesg(nil)
		m.DeveloperFields = []proto.DeveloperField{{Num: 0, DeveloperDataIndex: 0, Value: proto.Uint32(1100 + uint32(i))}}
		msgs = append(msgs, m)
	}
	msgs = append(msgs, mesgdef.NewSession(nil).SetTimestamp(start.Add(time.Minute)).SetStartTime(start).
		SetSport(typedef.SportRunning).SetTotalElapsedTimeScaled(60).SetTotalTimerTimeScaled(60).SetTotalDistanceScaled(180).ToMesg(nil))
	var buf bytes.Buffer
	if err := encoder.New(&buf, encoder.WithProtocolVersion(proto.V2)).Encode(&proto.FIT{Messages: msgs}); err != nil {
		tb.Fatalf("encode fit: %v", err)
	}
	return buf.Bytes()
}

// stripEndianFlags writes every multi-byte base type of data (field
// definitions and field_description base types) without its endian flag,
// as some desktop tools do, and fixes the file CRC. It returns how many
// it changed in field definitions of file_id, records, and in developer
// field descriptions.
func stripEndianFlags(t *testing.T, data []byte) (out []byte, n int) {
	t.Helper()
	out = bytes.Clone(data)
	fitBaseTypes(out, func(i int) {
		if fitMultiByte(out[i]&fitBaseNumMask) && out[i]&fitBaseEndianFlag != 0 {
			out[i] &^= fitBaseEndianFlag
			n++
		}
	})
	end := len(out) - 2
	binary.LittleEndian.PutUint16(out[end:], fitCRC(0, out[:end]))
	return out, n
}

func TestFITBaseTypesWithoutEndianFlag(t *testing.T) {
	start := time.Date(2026, 10, 4, 7, 0, 0, 0, time.UTC)
	orig := genFITDev(t, start)
	broken, n := stripEndianFlags(t, orig)
	if n < 5 {
		t.Fatalf("stripped %d base types, want those of file_id, records, session and the developer field", n)
	}
	// The file really carries such definitions: muktihari/fit alone refuses it.
	if _, err := decoder.New(bytes.NewReader(broken)).Decode(); err == nil || !strings.Contains(err.Error(), "basetype") {
		t.Fatalf("muktihari/fit on the stripped file: %v, want an invalid basetype error", err)
	}
	// A uint32z serial number written as 0x0C, a uint32 developer field
	// described as 0x06, uint32 timestamps as 0x06 in records.
	for _, want := range [][]byte{{3, 4, 0x0C}, {253, 4, 0x06}} {
		if !bytes.Contains(broken, want) {
			t.Errorf("stripped file lacks the field definition % x", want)
		}
	}
	d := NewDecoder(DecodeOptions{Now: testNow})
	want := decodeOne(t, d, "orig.fit", orig, DecodeOptions{})
	got := decodeOne(t, d, "broken.fit", broken, DecodeOptions{})
	if got.Status != StatusImported || got.Partial {
		t.Fatalf("stripped file: %s partial %v %q", got.Status, got.Partial, got.Reason())
	}
	a, b := want.Activities[0], got.Activities[0]
	if len(a.Samples) != 61 || len(b.Samples) != len(a.Samples) || b.Distance != a.Distance || b.MovingTime != a.MovingTime ||
		fmt.Sprint(b.Samples[30]) != fmt.Sprint(a.Samples[30]) || b.Device != a.Device || !b.Start.Equal(a.Start) {
		t.Errorf("stripped file decodes to %d samples, %.0f m, %.0f s, %q, sample 30 %+v; want %d, %.0f m, %.0f s, %q, %+v",
			len(b.Samples), b.Distance, b.MovingTime, b.Device, b.Samples[30], len(a.Samples), a.Distance, a.MovingTime, a.Device, a.Samples[30])
	}
	if !strings.Contains(strings.Join(got.Warnings, ";"), "without its endian flag") {
		t.Errorf("warnings %q, want one naming the repaired definitions", got.Warnings)
	}
	// The original bytes are not modified, and a clean file needs no repair.
	if fixed, k, _ := fitFixBaseTypes(orig); k != 0 || &fixed[0] != &orig[0] {
		t.Errorf("a clean file had %d repairs", k)
	}
	if _, k, _ := fitFixBaseTypes(broken); k != n {
		t.Errorf("repaired %d base types, stripped %d", k, n)
	}
}
