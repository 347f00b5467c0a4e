package ingest

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/taper-run/taper/analysis"
)

// DefaultMaxGPXBytes is the largest GPX file decoded by default. The
// decoder streams the document (gpxReader), so beyond the file's bytes it
// holds only the samples it keeps (about 100 bytes per track point, 0.3 to
// 0.6 times the file's size) and a few kilobytes of tokenizer state: a
// 64 MB file (about 300,000 points with heart rate: 3.5 days at 1 Hz, a
// 100-mile race at 1 point every 2 s) costs about 1.5 times its size. The
// bound is against absurd inputs, not a memory limit.
const DefaultMaxGPXBytes = 64 << 20

// gpxKind is what an open element is to the GPX reader.
type gpxKind uint8

const (
	gpxOther gpxKind = iota
	gpxRoot
	gpxTrk
	gpxTrkseg
	gpxTrkpt
	gpxTime
	gpxEle
	gpxType
	gpxExtensions
	gpxExtension // an element inside a point's <extensions>
)

// gpxPoint is one <trkpt> as read: the sample has its time, position,
// altitude and extension values (NaN when absent).
type gpxPoint struct {
	noPosition bool // a lat or lon attribute is missing or not a number
	noTime     bool // no <time>, or one that cannot be parsed
	s          analysis.Sample
}

// gpxTrack is one <trk> as read: the points the keep function kept, and
// their 2D length summed per segment (the gaps between segments are
// pauses).
type gpxTrack struct {
	typ     string
	samples []analysis.Sample
	length  float64
}

// gpxReader reads the tracks of a GPX document as a stream of XML events
// (scanXML), one point at a time: it never holds the document, only the
// points kept. Elements are matched by local name, whatever their
// namespace prefix; GPX 1.0 and 1.1 are read alike, extensions included.
type gpxReader struct {
	// keep decides whether a point becomes a sample of its track.
	keep func(p *gpxPoint) bool
	// slab holds the kept points of all tracks, in document order; each
	// track's samples are its part of it. Made with the capacity the
	// document's <trkpt count suggests (gpxSlab), it is the decoder's one
	// large allocation.
	slab []analysis.Sample

	creator   string
	tracks    []gpxTrack
	points    int // <trkpt> elements in tracks
	routes    int // <rte> elements
	waypoints int // <wpt> elements

	kinds    []gpxKind // of the open elements
	names    []byte    // qualified names of the open elements, concatenated
	offs     []int     // where each open element's name starts in names
	leaf     []bool    // per open element: no child element seen yet
	text     []byte    // character data of the innermost element
	trkStart int       // index in slab where the current track starts
	segStart int       // index in slab where the current segment starts
	pt       gpxPoint
}

// gpxSlab returns an empty slice with room for the track points of data:
// its "<trkpt" tags (prefixed ones are not counted: the slice then grows
// as points come), at most one per 64 bytes (a point with a position and
// a time takes more), so a hostile document cannot make it large.
func gpxSlab(data []byte) []analysis.Sample {
	n := min(bytes.Count(data, []byte("<trkpt")), len(data)/64)
	return make([]analysis.Sample, 0, n)
}

// errGPXTooDeep stops documents nested absurdly deep.
var errGPXTooDeep = errors.New("elements nested more than 64 deep")

// read reads the document from r; it returns a tokenizer error, a
// nesting error, io.ErrUnexpectedEOF for a document that ends inside an
// element, or nil.
func (g *gpxReader) read(r io.Reader) error {
	return scanXML(r, func(ev *xmlEvent) error {
		if ev.end {
			n := len(g.offs)
			if n == 0 {
				return fmt.Errorf("closing tag </%s> without an open element", ev.name)
			}
			if open := g.names[g.offs[n-1]:]; !bytes.Equal(open, ev.name) {
				return fmt.Errorf("element <%s> closed by </%s>", open, ev.name)
			}
			g.end()
			return nil
		}
		if len(g.offs) >= 64 {
			return errGPXTooDeep
		}
		g.start(ev)
		if ev.self {
			g.end()
		}
		return nil
	})
}

// parent returns the kind of the element n levels above the one being
// opened (0: its parent), or gpxOther.
func (g *gpxReader) parent(n int) gpxKind {
	if i := len(g.kinds) - 1 - n; i >= 0 {
		return g.kinds[i]
	}
	return gpxOther
}

func (g *gpxReader) start(ev *xmlEvent) {
	local := localName(ev.name)
	kind := gpxOther
	depth := len(g.kinds)
	switch {
	case depth == 0:
		kind = gpxRoot
		g.creator = strings.TrimSpace(ev.attr("creator"))
	case depth == 1:
		switch string(local) {
		case "trk":
			kind = gpxTrk
			g.tracks = append(g.tracks, gpxTrack{})
			g.trkStart = len(g.slab)
		case "rte":
			g.routes++
		case "wpt":
			g.waypoints++
		}
	case g.parent(0) == gpxTrk:
		switch string(local) {
		case "trkseg":
			kind = gpxTrkseg
			g.segStart = len(g.slab)
		case "type":
			kind = gpxType
		}
	case g.parent(0) == gpxTrkseg:
		if string(local) == "trkpt" {
			kind = gpxTrkpt
			g.points++
			g.startPoint(ev.attrs)
		}
	case g.parent(0) == gpxTrkpt:
		switch string(local) {
		case "time":
			kind = gpxTime
		case "ele":
			kind = gpxEle
		case "extensions":
			kind = gpxExtensions
		}
	case g.parent(0) == gpxExtensions || g.parent(0) == gpxExtension:
		kind = gpxExtension
	}
	if n := len(g.leaf); n > 0 {
		g.leaf[n-1] = false
	}
	g.kinds = append(g.kinds, kind)
	g.offs = append(g.offs, len(g.names))
	g.names = append(g.names, ev.name...)
	g.leaf = append(g.leaf, true)
	g.text = append(g.text[:0], ev.data...)
}

// startPoint begins a point from its <trkpt> attributes.
func (g *gpxReader) startPoint(attrs []byte) {
	m := math.NaN()
	g.pt = gpxPoint{noTime: true, s: analysis.Sample{Altitude: m, HeartRate: m, Cadence: m, Speed: m, Distance: m, Power: m}}
	lat, okLat := parseAttrFloat(attrs, "lat")
	lon, okLon := parseAttrFloat(attrs, "lon")
	g.pt.noPosition = !okLat || !okLon
	g.pt.s.Lat, g.pt.s.Lon = lat, lon
}

func parseAttrFloat(attrs []byte, name string) (float64, bool) {
	v := attrRaw(attrs, name)
	if v == nil {
		return 0, false
	}
	f, err := strconv.ParseFloat(string(bytes.TrimSpace(v)), 64)
	return f, err == nil
}

func (g *gpxReader) end() {
	n := len(g.kinds) - 1
	kind, leaf := g.kinds[n], g.leaf[n]
	switch kind {
	case gpxType:
		g.tracks[len(g.tracks)-1].typ = unescapeXML(g.text)
	case gpxTime:
		if t := parseGPXTime(string(bytes.TrimSpace(g.text))); !t.IsZero() {
			g.pt.s.Time, g.pt.noTime = t, false
		}
	case gpxEle:
		if v, err := strconv.ParseFloat(string(bytes.TrimSpace(g.text)), 64); err == nil {
			g.pt.s.Altitude = nan(v)
		}
	case gpxExtension:
		if leaf {
			extValue(localName(g.names[g.offs[n]:]), g.text, &g.pt.s)
		}
	case gpxTrkpt:
		if g.keep(&g.pt) {
			g.slab = append(g.slab, g.pt.s)
		}
	case gpxTrkseg:
		g.tracks[len(g.tracks)-1].length += analysis.TrackLength(g.slab[g.segStart:])
	case gpxTrk:
		g.tracks[len(g.tracks)-1].samples = g.slab[g.trkStart:len(g.slab):len(g.slab)]
	}
	g.kinds, g.leaf = g.kinds[:n], g.leaf[:n]
	g.names, g.offs = g.names[:g.offs[n]], g.offs[:n]
	g.text = g.text[:0]
}

// decodeGPX decodes a GPX document, streaming it (gpxReader). Each track
// with timed points is one activity (its segments are parts of it; the
// time between them is a pause). Points with a missing or out-of-range
// position or at 0,0 and points without a parsable time are dropped and
// counted in Warnings and the partial reason; OpenTracks' pause markers at
// latitude 100 and 200 are left out and counted in Warnings. Times are
// read with their fraction and UTC offset (parseGPXTime). Heart rate,
// cadence, speed and power come from the point extensions (Garmin
// TrackPointExtension in any namespace prefix, and plain hr/cadence
// elements), also in files that declare GPX 1.0. A document that is not
// well-formed XML is rejected whole.
func (d *Decoder) decodeGPX(name string, data []byte) Result {
	if int64(len(data)) > d.maxGPX() {
		return Result{Status: StatusRejected, Err: &FileError{
			Path:   name,
			Err:    fmt.Errorf("gpx file is %s bytes, over the %s byte limit", commas(len(data)), commas(int(d.maxGPX()))),
			Advice: "split the file (e.g. with gpsbabel) or export the activity as FIT",
		}}
	}
	r, err := xmlReader(data)
	if err != nil {
		return Result{Status: StatusRejected, Err: &FileError{Path: name, Err: err, Advice: "convert the file to UTF-8, or export it again"}}
	}
	var noTime, badPos, pauses int
	g := &gpxReader{slab: gpxSlab(data), keep: func(p *gpxPoint) bool {
		lat, lon := p.s.Lat, p.s.Lon
		switch {
		case p.noPosition:
			badPos++
		case lat == 100 || lat == 200:
			pauses++
		case math.IsNaN(lat) || math.IsNaN(lon) || math.Abs(lat) > 90 || math.Abs(lon) > 180 || (lat == 0 && lon == 0):
			badPos++
		case p.noTime || p.s.Time.Year() < 1971:
			noTime++
		default:
			return true
		}
		return false
	}}
	if err := g.read(r); err != nil {
		what := err.Error()
		if errors.Is(err, io.ErrUnexpectedEOF) && len(g.offs) > 0 {
			what = fmt.Sprintf("the file ends inside <%s>", g.names[g.offs[len(g.offs)-1]:])
		}
		return Result{Status: StatusRejected, Err: &FileError{
			Path: name, Err: fmt.Errorf("malformed gpx: XML syntax error: %s", what),
			Advice: "the file is not well-formed XML; export it again from the app that made it",
		}}
	}
	var acts []*analysis.Activity
	for i := range g.tracks {
		trk := &g.tracks[i]
		if len(trk.samples) == 0 {
			continue
		}
		a := newActivity()
		a.Samples, trk.samples = trk.samples, nil
		sortSamples(a.Samples)
		a.Start = a.Samples[0].Time
		fillTotals(a, false)
		if !hasDistance(a.Samples) {
			a.Distance = trk.length
		}
		a.Sport, a.SubSport = gpxSport(trk.typ)
		if a.Sport == "" {
			inferSport(a)
		}
		a.Device = g.creator
		d.setZone(a)
		acts = append(acts, a)
	}
	var warnings, damage []string // damage: what was dropped, the partial reason
	if pauses > 0 {
		warnings = append(warnings, fmt.Sprintf("%d pause marker point(s) at latitude 100/200 treated as pauses", pauses))
	}
	if badPos > 0 {
		damage = append(damage, fmt.Sprintf("dropped %d point(s) with a missing or out-of-range position", badPos))
	}
	if noTime > 0 && len(acts) > 0 {
		damage = append(damage, fmt.Sprintf("dropped %d point(s) without a parsable time", noTime))
	}
	if len(acts) == 0 {
		kind := "gpx:no-track"
		switch {
		case g.points > 0 && noTime > 0:
			kind = "gpx:no-timestamps"
		case g.points > 0:
			kind = "gpx:no-valid-points"
		case g.routes > 0:
			kind = "gpx:route-only"
		case g.waypoints > 0:
			kind = "gpx:waypoints-only"
		}
		return Result{Status: StatusSkipped, Kind: kind, Warnings: append(warnings, damage...)}
	}
	res := Result{Status: StatusImported, Activities: acts, Warnings: append(warnings, damage...)}
	if badPos > 0 || noTime > 0 {
		res.Partial = true
		res.PartialReason = strings.Join(damage, "; ")
		for _, a := range acts {
			a.Partial, a.PartialReason = true, res.PartialReason
		}
	}
	return res
}

// parseGPXTime parses an xsd:dateTime as GPX files write it (with or
// without fraction and offset; without an offset it is UTC); zero if it
// cannot be parsed.
func parseGPXTime(s string) time.Time {
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999", "2006-01-02 15:04:05.999999999Z07:00", "2006-01-02 15:04:05.999999999"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC()
		}
	}
	return time.Time{}
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

// hasDistance reports whether any sample carries a cumulative distance.
func hasDistance(s []analysis.Sample) bool {
	for i := range s {
		if analysis.Has(s[i].Distance) {
			return true
		}
	}
	return false
}

func (d *Decoder) maxGPX() int64 {
	if d.opts.MaxGPXBytes > 0 {
		return d.opts.MaxGPXBytes
	}
	return DefaultMaxGPXBytes
}

// extValue reads heart rate, cadence, speed or power from a point's
// extension element (one without child elements), whatever its namespace
// prefix.
func extValue(local, text []byte, s *analysis.Sample) {
	v, err := strconv.ParseFloat(string(bytes.TrimSpace(text)), 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) || v < 0 {
		return
	}
	switch strings.ToLower(string(local)) {
	case "hr", "heartrate", "heart_rate":
		if v > 0 && v < 260 {
			s.HeartRate = v
		}
	case "cad", "cadence", "runcadence":
		if v < 300 {
			s.Cadence = v
		}
	case "speed":
		if v < 100 {
			s.Speed = v
		}
	case "power", "watts":
		if v < 3000 {
			s.Power = v
		}
	}
}

// gpxSport maps a track <type> to a sport and sub-sport: Garmin Connect's
// names ("running", "trail_running", "road_biking"...), Strava's names
// ("Run", "Ride", "VirtualRide"...) and Strava's numeric codes (1 Ride,
// 4 Hike, 9 Run, 10 Walk, 16 Swim; the corpus's Strava files confirm 9
// and 16). "" when unknown: the sport is then inferred from speed.
func gpxSport(t string) (string, string) {
	k := strings.ToLower(strings.TrimSpace(t))
	k = strings.NewReplacer(" ", "", "_", "", "-", "").Replace(k)
	switch k {
	case "running", "run", "9", "streetrunning", "roadrunning":
		return analysis.SportRunning, ""
	case "trailrunning", "trailrun":
		return analysis.SportRunning, "trail"
	case "treadmillrunning", "treadmill":
		return analysis.SportRunning, "treadmill"
	case "trackrunning":
		return analysis.SportRunning, "track"
	case "virtualrun", "indoorrunning":
		return analysis.SportRunning, "virtual_activity"
	case "cycling", "ride", "biking", "1", "bike":
		return analysis.SportCycling, ""
	case "roadbiking", "roadcycling":
		return analysis.SportCycling, "road"
	case "mountainbiking", "mountainbikeride":
		return analysis.SportCycling, "mountain"
	case "gravelride", "gravelcycling", "gravelbiking":
		return analysis.SportCycling, "gravel_cycling"
	case "virtualride", "indoorcycling":
		return analysis.SportCycling, "virtual_activity"
	case "walking", "walk", "10", "casualwalking", "speedwalking":
		return analysis.SportWalking, ""
	case "hiking", "hike", "4":
		return analysis.SportHiking, ""
	case "swimming", "swim", "16", "openwaterswimming":
		return analysis.SportSwimming, ""
	}
	return "", ""
}

func lowerFirst(s string) string {
	if s == "" || (len(s) > 1 && strings.ToUpper(s[1:2]) == s[1:2] && strings.ToLower(s[1:2]) != s[1:2]) {
		return s // an acronym: "XML syntax error" stays
	}
	return strings.ToLower(s[:1]) + s[1:]
}
