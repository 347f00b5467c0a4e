package ingest

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/taper-run/taper/analysis"
	"github.com/tkrajina/gpxgo/gpx"
	"golang.org/x/net/html/charset"
)

// DefaultMaxGPXBytes is the largest GPX file decoded by default: gpxgo
// parses the whole document at about 19 times the file size in memory, so
// a 64 MB file would cost about 1.2 GB; 8 MB (about 50,000 track points, 14
// hours at 1 Hz) costs about 160 MB, within an import's memory bound (see
// Budget). Longer recordings import as FIT.
const DefaultMaxGPXBytes = 8 << 20

// decodeGPX decodes a GPX document with gpxgo. Each track with timed points
// is one activity (its segments are parts of it; the time between them is a
// pause). Points with a missing or out-of-range position or at 0,0 and
// points without a parsable time are dropped and counted in Warnings and
// the partial reason; OpenTracks' pause markers at latitude 100 and 200
// are left out and counted in Warnings. Times are read with their fraction
// and UTC offset (see scanTrkpts). Heart rate, cadence,
// speed and power come from the point extensions (Garmin
// TrackPointExtension in any namespace prefix, and plain hr/cadence
// elements). Every document is read with gpxgo's GPX 1.1 model, because
// its 1.0 model drops the extensions of files that declare version 1.0.
func (d *Decoder) decodeGPX(name string, data []byte) Result {
	if int64(len(data)) > d.maxGPX() {
		return Result{Status: StatusRejected, Err: &FileError{
			Path:   name,
			Err:    fmt.Errorf("gpx file is %s bytes, over the %s byte limit", commas(len(data)), commas(int(d.maxGPX()))),
			Advice: "decoding a GPX file takes about 19 times its size in memory; split the file (e.g. with gpsbabel) or export the activity as FIT",
		}}
	}
	dec := xml.NewDecoder(bytes.NewReader(data))
	dec.CharsetReader = charset.NewReaderLabel
	doc, err := gpx.ParseDecoder(dec, []byte(`<gpx version="1.1">`))
	if err != nil {
		return Result{Status: StatusRejected, Err: &FileError{
			Path: name, Err: fmt.Errorf("malformed gpx: %s", lowerFirst(err.Error())),
			Advice: "the file is not well-formed XML; export it again from the app that made it",
		}}
	}
	raw := scanTrkpts(data)
	total := 0
	for _, trk := range doc.Tracks {
		for _, seg := range trk.Segments {
			total += len(seg.Points)
		}
	}
	if len(raw) != total {
		raw = nil // the scan disagrees with gpxgo (a prefixed or commented-out trkpt): trust gpxgo
	}
	index := -1 // of the current point in document order
	var (
		acts     []*analysis.Activity
		noTime   int
		badPos   int
		pauses   int
		points   int
		warnings []string
		damage   []string // what was dropped: the partial reason
	)
	for _, trk := range doc.Tracks {
		a := newActivity()
		length := 0.0 // 2D length, summed per segment (gaps between segments are pauses)
		for _, seg := range trk.Segments {
			segStart := len(a.Samples)
			for i := range seg.Points {
				p := &seg.Points[i]
				points++
				index++
				lat, lon := p.Latitude, p.Longitude
				t := p.Timestamp
				if raw != nil {
					if raw[index].noPosition {
						badPos++ // gpxgo reads a missing lat or lon as 0
						continue
					}
					t = raw[index].time
				}
				if lat == 100 || lat == 200 {
					pauses++
					continue
				}
				if math.IsNaN(lat) || math.IsNaN(lon) || math.Abs(lat) > 90 || math.Abs(lon) > 180 || (lat == 0 && lon == 0) {
					badPos++
					continue
				}
				if t.IsZero() || t.Year() < 1971 {
					noTime++
					continue
				}
				s := analysis.Sample{
					Time: t.UTC(), Lat: lat, Lon: lon, Altitude: math.NaN(),
					HeartRate: math.NaN(), Cadence: math.NaN(), Speed: math.NaN(), Distance: math.NaN(), Power: math.NaN(),
				}
				if p.Elevation.NotNull() {
					s.Altitude = nan(p.Elevation.Value())
				}
				extValues(p.Extensions.Nodes, &s)
				a.Samples = append(a.Samples, s)
			}
			length += analysis.TrackLength(a.Samples[segStart:])
		}
		if len(a.Samples) == 0 {
			continue
		}
		sortSamples(a.Samples)
		a.Start = a.Samples[0].Time
		fillTotals(a, false)
		if !hasDistance(a.Samples) {
			a.Distance = length
		}
		a.Sport, a.SubSport = gpxSport(trk.Type)
		if a.Sport == "" {
			inferSport(a)
		}
		a.Device = strings.TrimSpace(doc.Creator)
		d.setZone(a)
		acts = append(acts, a)
	}
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
		case points > 0 && noTime > 0:
			kind = "gpx:no-timestamps"
		case points > 0:
			kind = "gpx:no-valid-points"
		case len(doc.Routes) > 0:
			kind = "gpx:route-only"
		case len(doc.Waypoints) > 0:
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

// rawPoint is what scanTrkpts reads from one <trkpt> element.
type rawPoint struct {
	noPosition bool      // a lat or lon attribute is missing
	time       time.Time // zero when absent or unparsable
}

// scanTrkpts scans the raw document for <trkpt> elements, in document
// order, reading what gpxgo gets wrong: it reads a missing lat or lon as
// 0, and it drops both the fraction and the UTC offset of a time such as
// 2010-04-02T10:26:48.524+02:00 (reading it as 10:26:48 UTC).
func scanTrkpts(data []byte) []rawPoint {
	var pts []rawPoint
	for rest := data; ; {
		i := bytes.Index(rest, []byte("<trkpt"))
		if i < 0 {
			break
		}
		rest = rest[i+len("<trkpt"):]
		if len(rest) > 0 && !isSpace(rest[0]) && rest[0] != '>' && rest[0] != '/' {
			continue // <trkptfoo>, not a point
		}
		end := bytes.IndexByte(rest, '>')
		if end < 0 {
			end = len(rest)
		}
		tag := rest[:end]
		p := rawPoint{noPosition: !hasAttr(tag, "lat") || !hasAttr(tag, "lon")}
		if end > 0 && tag[end-1] != '/' { // not <trkpt .../>: look for its <time>
			body := rest[end:]
			if k := bytes.Index(body, []byte("</trkpt")); k >= 0 {
				body = body[:k]
			}
			if a := bytes.Index(body, []byte("<time>")); a >= 0 {
				if b := bytes.Index(body[a:], []byte("</time>")); b >= 0 {
					p.time = parseGPXTime(string(bytes.TrimSpace(body[a+len("<time>") : a+b])))
				}
			}
		}
		pts = append(pts, p)
	}
	return pts
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

// hasAttr reports whether an element's attribute text has attribute name.
func hasAttr(tag []byte, name string) bool {
	for i := 0; ; {
		j := bytes.Index(tag[i:], []byte(name))
		if j < 0 {
			return false
		}
		k := i + j
		before := k == 0 || isSpace(tag[k-1])
		after := bytes.TrimLeft(tag[k+len(name):], " \t\r\n")
		if before && len(after) > 0 && after[0] == '=' {
			return true
		}
		i = k + len(name)
	}
}

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

// extValues reads heart rate, cadence, speed and power from a point's
// extension elements, whatever their namespace prefix.
func extValues(nodes []gpx.ExtensionNode, s *analysis.Sample) {
	for _, n := range nodes {
		if len(n.Nodes) > 0 {
			extValues(n.Nodes, s)
			continue
		}
		v, err := strconv.ParseFloat(strings.TrimSpace(n.Data), 64)
		if err != nil || math.IsNaN(v) || math.IsInf(v, 0) || v < 0 {
			continue
		}
		switch strings.ToLower(n.XMLName.Local) {
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
