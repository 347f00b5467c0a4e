package ingest

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"path"
	"runtime"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/ringsaturn/tzf"
	tzfrellite "github.com/ringsaturn/tzf-rel-lite"
	tzfpb "github.com/ringsaturn/tzf/gen/go/tzf/v1"
	"github.com/taper-run/taper/analysis"
	"google.golang.org/protobuf/proto"
)

// Statuses of a decoded file (Result.Status): the decoder's share of
// analysis' file statuses.
const (
	StatusImported = analysis.FileImported // the file gave at least one activity
	StatusSkipped  = analysis.FileSkipped  // not an activity file, or a format taper does not read
	StatusRejected = analysis.FileRejected // an activity file that gave nothing usable
)

// Formats, decided by content (Result.Format).
const (
	FormatFIT     = "fit"
	FormatGPX     = "gpx"
	FormatTCX     = "tcx"
	FormatKML     = "kml"
	FormatXML     = "xml"
	FormatCSV     = "csv"
	FormatJSON    = "json"
	FormatImage   = "image"
	FormatVideo   = "video"
	FormatZip     = "zip"
	FormatGzip    = "gzip"
	FormatText    = "text"
	FormatEmpty   = "empty"
	FormatUnknown = "unknown"
)

// Flags set on activities (analysis.Activity.Flags).
const (
	FlagBeforeY2K = "start_before_2000"
	FlagFuture    = "start_in_future"
)

// DecodeOptions configure a Decoder.
type DecodeOptions struct {
	// Zone is the athlete's configured zone, used for activities whose file
	// gives neither a local time nor a position; nil means UTC.
	Zone *time.Location
	// Now is compared with activity starts for the "start_in_future" flag;
	// zero means time.Now() when the Decoder is made.
	Now time.Time
	// MaxGPXBytes is the largest GPX file decoded (0: DefaultMaxGPXBytes);
	// larger ones are rejected.
	MaxGPXBytes int64
	// MaxTCXBytes is the largest TCX file decoded (0: DefaultMaxTCXBytes).
	MaxTCXBytes int64
}

// Decoder decodes watch files. It is safe for concurrent use by several
// goroutines; the time-zone finder is loaded once, on first use.
type Decoder struct {
	opts DecodeOptions
	tz   *zoneFinder // shared by the Decoders made with With
}

// zoneFinder finds the time zone of a position with
// github.com/ringsaturn/tzf v1.0.2, as its DefaultFinder does (a tile index,
// then the zone polygons), but loading each part lazily: the tile index
// (about 0.1 s, 40 MB peak) answers for most places; the polygons (about
// 1 s, 150 MB peak) are loaded only for a position near a border that the
// index does not resolve.
type zoneFinder struct {
	fuzzyOnce sync.Once
	fuzzy     tzf.F
	fuzzyErr  error

	fullOnce sync.Once
	full     tzf.F
	fullErr  error
}

// name returns the IANA zone at lat, lon, or "" when none is found.
func (z *zoneFinder) name(lat, lon float64) string {
	z.fuzzyOnce.Do(func() {
		input := &tzfpb.PreindexTimezones{}
		if z.fuzzyErr = proto.Unmarshal(tzfrellite.PreindexData, input); z.fuzzyErr == nil {
			z.fuzzy, z.fuzzyErr = tzf.NewFuzzyFinderFromPB(input)
		}
	})
	if z.fuzzyErr == nil {
		if n := z.fuzzy.GetTimezoneName(lon, lat); n != "" {
			return n
		}
	}
	z.fullOnce.Do(func() {
		input := &tzfpb.CompressedTimezones{}
		if z.fullErr = proto.Unmarshal(tzfrellite.LiteCompressData, input); z.fullErr == nil {
			z.full, z.fullErr = tzf.NewFinderFromCompressed(input, tzf.SetDropPBTZ)
		}
		runtime.GC() // free the decoded protobuf (about 80 MB) now, as tzf's DefaultFinder does
	})
	if z.fullErr != nil {
		return ""
	}
	if n := z.full.GetTimezoneName(lon, lat); n != "" {
		return n
	}
	// Like tzf's DefaultFinder: try the neighbourhood (about 2 km), for
	// points on a coastline or a border.
	for _, dx := range []float64{-0.02, 0, 0.02} {
		for _, dy := range []float64{-0.02, 0, 0.02} {
			if z.fuzzyErr == nil {
				if n := z.fuzzy.GetTimezoneName(lon+dx, lat+dy); n != "" {
					return n
				}
			}
			if n := z.full.GetTimezoneName(lon+dx, lat+dy); n != "" {
				return n
			}
		}
	}
	return ""
}

// NewDecoder returns a Decoder with the given options.
func NewDecoder(opts DecodeOptions) *Decoder {
	if opts.Now.IsZero() {
		opts.Now = time.Now()
	}
	return &Decoder{opts: opts, tz: new(zoneFinder)}
}

// Result is the outcome of decoding one file.
type Result struct {
	Format        string               // Format*: decided by content
	Status        string               // Status*
	Kind          string               // for skipped files: why, e.g. "fit:monitoring_b", "tcx", "image", "gpx:no-track"
	Activities    []*analysis.Activity // ID and Athlete empty (store assigns them); Source, Format, SessionIndex set
	Partial       bool                 // only part of the file could be decoded
	PartialReason string               // why, when Partial
	Warnings      []string             // what was dropped or repaired (bad points, records without time...)
	Err           error                // for rejected files: a *FileError
}

// Reason is a one-line explanation of a rejected result (the error, and
// what to do in parentheses) or a skipped one ("not an activity: KIND"),
// as taper imports lists it; the partial reason of an imported file.
func (r Result) Reason() string {
	switch {
	case r.Err != nil:
		var fe *FileError
		if errors.As(r.Err, &fe) && fe.Hint() != "" {
			return r.Err.Error() + " (" + fe.Hint() + ")"
		}
		return r.Err.Error()
	case r.Status == StatusSkipped:
		return "not an activity: " + r.Kind
	}
	return r.PartialReason
}

// Decode decides the format of data by its content (the name is used only
// to word messages and to tell a CSV from plain text), decodes it and
// classifies the outcome. It never panics on malformed input.
func (d *Decoder) Decode(name string, data []byte) (res Result) {
	format := Sniff(name, data)
	defer func() {
		if p := recover(); p != nil {
			res = Result{Format: format, Status: StatusRejected, Err: &FileError{
				Path: name, Err: fmt.Errorf("decoder failure: %v", p),
				Advice: "the file is malformed in a way taper does not handle; please report it with the file attached",
			}}
		}
	}()
	switch format {
	case FormatFIT:
		res = d.decodeFIT(name, data)
	case FormatGPX:
		res = d.decodeGPX(name, data)
	case FormatTCX:
		res = d.decodeTCX(name, data)
	case FormatAppleHealth:
		res = d.decodeHealthBytes(name, data)
	case FormatCSV:
		res = Result{Status: StatusSkipped, Kind: format}
		if isStravaCSV(data) {
			res = d.decodeStravaCSV(name, data)
		}
	case FormatJSON:
		res = Result{Status: StatusSkipped, Kind: format}
		if isGarminSummaryName(name) || bytes.Contains(data[:min(len(data), 256)], []byte(`"summarizedActivitiesExport"`)) {
			res = d.decodeGarminSummary(name, data)
		}
	case FormatEmpty:
		res = Result{Status: StatusRejected, Err: &FileError{
			Path: name, Err: errors.New("empty file (0 bytes)"),
			Advice: "the file was not written completely; export or copy it again from the watch or platform",
		}}
		if !looksLikeActivityName(name) {
			res = Result{Status: StatusSkipped, Kind: "empty"}
		}
	case FormatUnknown, FormatText, FormatXML:
		if looksLikeActivityName(name) {
			res = Result{Status: StatusRejected, Err: &FileError{
				Path: name, Err: fmt.Errorf("not a FIT, GPX or TCX file: content starts with %q", preview(data)),
				Advice: "the file is damaged or in another format; export it again",
			}}
		} else {
			res = Result{Status: StatusSkipped, Kind: format}
		}
	default:
		res = Result{Status: StatusSkipped, Kind: format}
	}
	return d.finish(name, format, res)
}

// finish sets what every decoded result carries: its format, and each
// activity's source, format, index in the file and quality flags.
func (d *Decoder) finish(name, format string, res Result) Result {
	res.Format = format
	for i, a := range res.Activities {
		a.Source = name
		a.Format = format
		a.SessionIndex = i
		d.flag(a)
	}
	return res
}

// DecodeEntry decodes an Entry from Walk: an Apple Health export read
// while walking (Entry.Health), a route file that belongs to an export
// read in the same walk (Entry.PartOf: skipped, it is part of that
// export's workouts), or any other file by its content (Decode).
func (d *Decoder) DecodeEntry(e Entry) (res Result) {
	switch {
	case e.Health != nil:
		defer func() {
			if p := recover(); p != nil {
				res = Result{Format: FormatAppleHealth, Status: StatusRejected, Err: &FileError{
					Path: e.Path, Err: fmt.Errorf("decoder failure: %v", p),
					Advice: "the file is malformed in a way taper does not handle; please report it",
				}}
			}
		}()
		return d.finish(e.Path, FormatAppleHealth, d.DecodeHealth(e.Path, e.Health))
	case e.PartOf != "":
		return Result{Format: Sniff(e.Path, e.Data), Status: StatusSkipped, Kind: "apple-health:route"}
	}
	return d.Decode(e.Path, e.Data)
}

// flag adds data quality flags to a.
func (d *Decoder) flag(a *analysis.Activity) {
	if a.Start.Year() < 2000 {
		a.Flags = appendOnce(a.Flags, FlagBeforeY2K)
	}
	if a.Start.After(d.opts.Now) {
		a.Flags = appendOnce(a.Flags, FlagFuture)
	}
}

func appendOnce(s []string, v string) []string {
	for _, x := range s {
		if x == v {
			return s
		}
	}
	return append(s, v)
}

// looksLikeActivityName reports whether name ends like a FIT, GPX or TCX file,
// so unreadable content is an error rather than an unknown file to skip.
func looksLikeActivityName(name string) bool {
	ext := strings.ToLower(path.Ext(strings.TrimSuffix(strings.ToLower(name), ".gz")))
	return ext == ".fit" || ext == ".gpx" || ext == ".tcx"
}

// preview returns the first bytes of data for an error message.
func preview(b []byte) string {
	if len(b) > 16 {
		b = b[:16]
	}
	return string(b)
}

// Sniff returns the Format* of data, decided by its content. The name is
// only used to tell CSV from other text.
func Sniff(name string, data []byte) string {
	if len(data) == 0 {
		return FormatEmpty
	}
	if isFIT(data) {
		return FormatFIT
	}
	switch {
	case bytes.HasPrefix(data, []byte("PK\x03\x04")), bytes.HasPrefix(data, []byte("PK\x05\x06")):
		return FormatZip
	case bytes.HasPrefix(data, []byte{0x1f, 0x8b}):
		return FormatGzip
	case bytes.HasPrefix(data, []byte("\x89PNG")), bytes.HasPrefix(data, []byte{0xff, 0xd8, 0xff}),
		bytes.HasPrefix(data, []byte("GIF8")),
		len(data) > 12 && string(data[4:8]) == "ftyp" && isImageBrand(string(data[8:12])),
		len(data) > 12 && string(data[:4]) == "RIFF" && string(data[8:12]) == "WEBP":
		return FormatImage
	case len(data) > 12 && string(data[4:8]) == "ftyp", // MP4, MOV, 3GP
		len(data) > 12 && string(data[:4]) == "RIFF" && string(data[8:12]) == "AVI ",
		bytes.HasPrefix(data, []byte{0x1a, 0x45, 0xdf, 0xa3}): // Matroska, WebM
		return FormatVideo
	}
	head := data
	if len(head) > 4096 {
		head = head[:4096]
	}
	head = bytes.TrimPrefix(head, []byte("\xef\xbb\xbf"))
	trimmed := bytes.TrimLeft(head, " \t\r\n")
	if len(trimmed) > 0 && trimmed[0] == '<' {
		if root := xmlRoot(trimmed); root != "" {
			switch strings.ToLower(root) {
			case "gpx":
				return FormatGPX
			case "trainingcenterdatabase":
				return FormatTCX
			case "kml":
				return FormatKML
			case "healthdata":
				return FormatAppleHealth
			}
		}
		return FormatXML
	}
	if len(trimmed) > 0 && (trimmed[0] == '{' || trimmed[0] == '[') {
		return FormatJSON
	}
	if isText(head) {
		if strings.EqualFold(path.Ext(name), ".csv") || bytes.Count(firstLine(head), []byte(",")) >= 2 {
			return FormatCSV
		}
		return FormatText
	}
	return FormatUnknown
}

// isImageBrand reports whether an ISO media file's major brand is a
// still-image one (HEIF/HEIC, AVIF) rather than a video.
func isImageBrand(brand string) bool {
	switch brand {
	case "heic", "heix", "hevc", "hevx", "heim", "heis", "mif1", "msf1", "avif", "avis":
		return true
	}
	return false
}

// isFIT reports whether data starts with a FIT file header.
func isFIT(data []byte) bool {
	return len(data) >= 12 && (data[0] == 12 || data[0] == 14) && string(data[8:12]) == ".FIT"
}

// xmlRoot returns the local name of the first element of an XML document,
// skipping the declaration, comments and processing instructions.
func xmlRoot(b []byte) string {
	for len(b) > 0 {
		i := bytes.IndexByte(b, '<')
		if i < 0 || i+1 >= len(b) {
			return ""
		}
		b = b[i+1:]
		switch {
		case b[0] == '?':
			j := bytes.Index(b, []byte("?>"))
			if j < 0 {
				return ""
			}
			b = b[j+2:]
		case bytes.HasPrefix(b, []byte("!--")):
			j := bytes.Index(b, []byte("-->"))
			if j < 0 {
				return ""
			}
			b = b[j+3:]
		case b[0] == '!':
			j := bytes.IndexByte(b, '>')
			if j < 0 {
				return ""
			}
			b = b[j+1:]
		default:
			end := bytes.IndexAny(b, " \t\r\n/>")
			if end < 0 {
				return ""
			}
			name := string(b[:end])
			if k := strings.IndexByte(name, ':'); k >= 0 {
				name = name[k+1:]
			}
			return name
		}
	}
	return ""
}

func firstLine(b []byte) []byte {
	if i := bytes.IndexByte(b, '\n'); i >= 0 {
		return b[:i]
	}
	return b
}

// isText reports whether b looks like text (no NUL, mostly printable).
func isText(b []byte) bool {
	bad := 0
	for _, c := range b {
		if c == 0 {
			return false
		}
		if c < 0x20 && c != '\n' && c != '\r' && c != '\t' {
			bad++
		}
	}
	return bad*20 < len(b)+1
}

// setZone fills a's UTCOffset, TimeZone and TimeSource from its first
// position, else the configured zone, else UTC. FIT files with an activity
// local_timestamp do not call it. The positions of a virtual activity (Zwift
// and the like) are on a virtual map, not where the athlete is, so they
// never give the zone.
func (d *Decoder) setZone(a *analysis.Activity) {
	virtual := isVirtual(a)
	for i := range a.Samples {
		if virtual {
			break
		}
		s := &a.Samples[i]
		if !analysis.Has(s.Lat) || !analysis.Has(s.Lon) {
			continue
		}
		name := d.tz.name(s.Lat, s.Lon)
		if name == "" {
			break
		}
		loc, err := time.LoadLocation(name)
		if err != nil {
			break
		}
		_, off := a.Start.In(loc).Zone()
		a.UTCOffset, a.TimeZone, a.TimeSource = off, name, analysis.TZFromGPS
		return
	}
	if d.opts.Zone != nil {
		_, off := a.Start.In(d.opts.Zone).Zone()
		a.UTCOffset, a.TimeSource = off, analysis.TZFromAthlete
		if n := d.opts.Zone.String(); strings.Contains(n, "/") { // an IANA name, not "Local" or a fixed zone
			a.TimeZone = n
		}
		return
	}
	a.UTCOffset, a.TimeZone, a.TimeSource = 0, "", analysis.TZFromUTC
}

// nan maps every NaN (FIT "invalid" float bit patterns included) and
// infinity to the canonical missing value.
func nan(v float64) float64 {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return math.NaN()
	}
	return v
}

// fillTotals sets a's totals from its samples where they are missing, and
// records which source the totals came from.
func fillTotals(a *analysis.Activity, fromSession bool) {
	t := analysis.ComputeTotals(a.Samples)
	if !fromSession {
		a.TotalsFrom = "records"
		a.ElapsedTime, a.MovingTime, a.Distance, a.Ascent = t.ElapsedTime, t.MovingTime, t.Distance, t.Ascent
		a.AvgHR, a.MaxHR, a.AvgCadence = t.AvgHR, t.MaxHR, t.AvgCadence
		if !analysis.Has(a.Calories) {
			a.Calories = math.NaN()
		}
		return
	}
	a.TotalsFrom = "session"
	fill := func(dst *float64, v float64) {
		if !analysis.Has(*dst) {
			*dst = v
		}
	}
	fill(&a.ElapsedTime, t.ElapsedTime)
	fill(&a.MovingTime, t.MovingTime)
	fill(&a.Distance, t.Distance)
	fill(&a.Ascent, t.Ascent)
	fill(&a.AvgHR, t.AvgHR)
	fill(&a.MaxHR, t.MaxHR)
	fill(&a.AvgCadence, t.AvgCadence)
}

// sortSamples sorts samples by time, keeping the order of equal times.
func sortSamples(s []analysis.Sample) {
	for i := 1; i < len(s); i++ {
		if s[i].Time.Before(s[i-1].Time) { // not in order already (most files are)
			sort.SliceStable(s, func(i, j int) bool { return s[i].Time.Before(s[j].Time) })
			return
		}
	}
}

// newActivity returns an activity with every measurement missing.
func newActivity() *analysis.Activity {
	m := math.NaN()
	return &analysis.Activity{
		ElapsedTime: m, MovingTime: m, Distance: m, Ascent: m,
		AvgHR: m, MaxHR: m, AvgCadence: m, Calories: m,
	}
}

// inferSport sets a's sport from its average moving speed (distance over
// moving time) when the file named none: under 2.0 m/s (7.2 km/h) is
// walking, under 6.0 m/s (21.6 km/h) running, otherwise cycling. Without
// distance or moving time the sport is generic. SportInferred is set
// either way.
func inferSport(a *analysis.Activity) {
	a.SportInferred = true
	v := math.NaN()
	if analysis.Has(a.Distance) && analysis.Has(a.MovingTime) && a.MovingTime > 0 && a.Distance > 0 {
		v = a.Distance / a.MovingTime
	}
	switch {
	case !analysis.Has(v):
		a.Sport = analysis.SportGeneric
	case v < 2.0:
		a.Sport = analysis.SportWalking
	case v < 6.0:
		a.Sport = analysis.SportRunning
	default:
		a.Sport = analysis.SportCycling
	}
}

// isVirtual reports whether a was recorded on a virtual course, whose
// positions say nothing about where the athlete is.
func isVirtual(a *analysis.Activity) bool {
	sub := strings.ToLower(a.SubSport)
	return strings.HasPrefix(sub, "virtual") || strings.Contains(strings.ToLower(a.Device), "zwift")
}
