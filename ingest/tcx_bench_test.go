package ingest

import (
	"bytes"
	"encoding/xml"
	"io"
	"testing"

	"golang.org/x/net/html/charset"
)

// tcxTokenizeStd feeds the parser with encoding/xml's streaming
// Decoder.Token, for BenchmarkTCXTokenizers only: it is the alternative
// measured against xmltokenizer (see tcxTokenize for the choice).
func tcxTokenizeStd(r io.Reader, p *tcxParser) error {
	dec := xml.NewDecoder(r)
	dec.CharsetReader = charset.NewReaderLabel
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			p.start([]byte(t.Name.Local), func(name string) string {
				for _, a := range t.Attr {
					if a.Name.Local == name {
						return a.Value
					}
				}
				return ""
			})
		case xml.CharData:
			if len(p.stack) > 0 {
				p.chars(t)
			}
		case xml.EndElement:
			p.end()
		}
	}
}

// BenchmarkTCXTokenizers decodes a one-hour 1 Hz TCX run (3,601 points with
// heart rate and TPX speed and cadence) with both streaming tokenizers
// feeding the same parser, beside the GPX path on the same hour
// (BenchmarkDecodeGPX):
//
//	go test ./ingest -run '^$' -bench 'TCXTokenizers|DecodeTCX|DecodeGPX' -benchmem
func BenchmarkTCXTokenizers(b *testing.B) {
	doc := tcxRun(tcxT0, 3600, 3, 150, `<ns3:TPX><ns3:Speed>3.0</ns3:Speed><ns3:RunCadence>88</ns3:RunCadence></ns3:TPX>`)
	for _, tc := range []struct {
		name string
		run  func(r io.Reader, p *tcxParser) error
	}{
		{"encoding-xml", tcxTokenizeStd},
		{"xmltokenizer", tcxTokenize},
	} {
		b.Run(tc.name, func(b *testing.B) {
			b.SetBytes(int64(len(doc)))
			b.ReportAllocs()
			for b.Loop() {
				p := &tcxParser{}
				if err := tc.run(bytes.NewReader(doc), p); err != nil || len(p.acts) != 1 || len(p.acts[0].samples) != 3601 {
					b.Fatalf("%v, %d activities", err, len(p.acts))
				}
			}
			b.ReportMetric(3601*float64(b.N)/b.Elapsed().Seconds(), "points/s")
		})
	}
}

// BenchmarkDecodeTCX is the whole TCX path (tokenizer, parser, totals,
// zone) on the same hour; compare with BenchmarkDecodeGPX.
func BenchmarkDecodeTCX(b *testing.B) {
	doc := tcxRun(tcxT0, 3600, 3, 150, `<ns3:TPX><ns3:Speed>3.0</ns3:Speed><ns3:RunCadence>88</ns3:RunCadence></ns3:TPX>`)
	d := NewDecoder(DecodeOptions{Now: testNow})
	d.Decode("warm.tcx", doc)
	b.SetBytes(int64(len(doc)))
	b.ReportAllocs()
	for b.Loop() {
		if res := d.Decode("bench.tcx", doc); res.Status != StatusImported {
			b.Fatal(res.Reason())
		}
	}
	b.ReportMetric(3601*float64(b.N)/b.Elapsed().Seconds(), "points/s")
}

// BenchmarkAppleHealth reads an Apple Health export.xml of two workouts
// and 100,000 heart-rate and 100,000 step records outside them, in two
// passes over the bytes (as from a file or zip member that can be opened
// again), and decodes the workouts.
//
//	go test ./ingest -run '^$' -bench AppleHealth -benchmem
func BenchmarkAppleHealth(b *testing.B) {
	xml := bigHealthXML(b, appleActs(b)[:2], 100000)
	d := NewDecoder(DecodeOptions{Now: testNow})
	b.SetBytes(int64(len(xml)))
	b.ReportAllocs()
	for b.Loop() {
		if res := d.Decode("export.xml", xml); res.Status != StatusImported || len(res.Activities) != 2 {
			b.Fatalf("%s %q", res.Status, res.Reason())
		}
	}
}
