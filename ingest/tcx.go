package ingest

import (
	"bytes"
	"errors"
	"fmt"
	"html"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/muktihari/xmltokenizer"
	"github.com/taper-run/taper/analysis"
	"golang.org/x/net/html/charset"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"
)

// DefaultMaxTCXBytes is the largest TCX file decoded by default. The
// decoder streams the document (memory is the samples, about a fifth of
// the file's size), so the bound is only against absurd inputs.
const DefaultMaxTCXBytes = 256 << 20

// TCX element names the decoder acts on (local names, any namespace
// prefix). Names not listed are tracked as "".
var tcxNames = map[string]string{}

func init() {
	for _, n := range []string{
		"TrainingCenterDatabase", "Activities", "Activity", "MultiSportSession", "FirstSport", "NextSport", "Transition",
		"Id", "Lap", "TotalTimeSeconds", "DistanceMeters", "MaximumSpeed", "Calories", "AverageHeartRateBpm",
		"MaximumHeartRateBpm", "Value", "Intensity", "Cadence", "TriggerMethod", "Track", "Trackpoint", "Time",
		"Position", "LatitudeDegrees", "LongitudeDegrees", "AltitudeMeters", "HeartRateBpm", "Extensions",
		"TPX", "LX", "Speed", "RunCadence", "Watts", "AvgSpeed", "AvgRunCadence", "AvgWatts",
		"Creator", "Name", "Author", "Courses", "Course", "Workouts", "Workout", "Folders",
	} {
		tcxNames[n] = n
	}
}

// tcxLap is one Lap element as written.
type tcxLap struct {
	start                          time.Time
	total, dist, cal, avgHR, maxHR float64
	maxSpeed, avgSpeed             float64
	intensity, trigger             string
	points, firstPoint             int // trackpoints in the lap, index of its first sample
	hasTotal, hasDist              bool
}

// tcxActivity is one Activity element as read so far.
type tcxActivity struct {
	sport, id, creator string
	laps               []tcxLap
	samples            []analysis.Sample
	noTime             int // trackpoints without a parsable time
	hr255              int // heart rates of 255 (a sentinel) dropped
	hrSeen             int // trackpoints with a heart rate element
	leg                bool
	shifted            time.Duration // points moved onto the laps' clock (see tcxActivity)
}

// tcxParser turns a stream of XML events into TCX activities. It is fed by
// a tokenizer (see tcxTokenize); it never holds the document.
type tcxParser struct {
	stack    []string // local names of the open elements ("" when not in tcxNames)
	text     []byte   // character data of the innermost element
	acts     []*tcxActivity
	cur      *tcxActivity
	lap      *tcxLap
	pt       *analysis.Sample
	ptHasHR  bool
	rootSeen bool
	root     string
	courses  int
	workouts int
	legs     int // MultiSportSession legs
	trans    int // transitions (not activities)
	author   string
	bad      int // unparsable numbers
}

func (p *tcxParser) parent(n int) string {
	if len(p.stack) > n {
		return p.stack[len(p.stack)-1-n]
	}
	return ""
}

func (p *tcxParser) in(name string) bool {
	for _, s := range p.stack {
		if s == name {
			return true
		}
	}
	return false
}

// start handles a start element; attr returns an attribute's value by
// local name.
func (p *tcxParser) start(local []byte, attr func(string) string) {
	name := tcxNames[string(local)]
	if !p.rootSeen {
		p.rootSeen, p.root = true, string(local)
	}
	p.stack = append(p.stack, name)
	p.text = p.text[:0]
	inCourse := p.in("Courses") || p.in("Workouts") || p.in("Folders")
	switch name {
	case "Course":
		if p.parent(1) == "Courses" {
			p.courses++
		}
	case "Workout":
		if p.parent(1) == "Workouts" {
			p.workouts++
		}
	case "Activity":
		if inCourse {
			return
		}
		p.cur = &tcxActivity{sport: attr("Sport"), leg: p.in("MultiSportSession")}
		if p.cur.leg {
			p.legs++
		}
		p.acts = append(p.acts, p.cur)
	case "Transition":
		p.trans++
	case "Lap":
		if p.cur != nil && p.parent(1) == "Activity" {
			p.cur.laps = append(p.cur.laps, tcxLap{
				start: parseGPXTime(strings.TrimSpace(attr("StartTime"))), total: math.NaN(), dist: math.NaN(),
				cal: math.NaN(), avgHR: math.NaN(), maxHR: math.NaN(), maxSpeed: math.NaN(), avgSpeed: math.NaN(),
				firstPoint: len(p.cur.samples),
			})
			p.lap = &p.cur.laps[len(p.cur.laps)-1]
		}
	case "Trackpoint":
		if p.cur != nil {
			m := math.NaN()
			p.pt = &analysis.Sample{Lat: m, Lon: m, Altitude: m, HeartRate: m, Cadence: m, Speed: m, Distance: m, Power: m}
			p.ptHasHR = false
		}
	}
}

func (p *tcxParser) chars(b []byte) { p.text = append(p.text, b...) }

// num parses the current element's text as a float; NaN (counted) when it
// is not a number.
func (p *tcxParser) num() float64 {
	s := bytes.TrimSpace(p.text)
	v, err := strconv.ParseFloat(string(s), 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
		if len(s) > 0 {
			p.bad++
		}
		return math.NaN()
	}
	return v
}

// end handles an end element.
func (p *tcxParser) end() {
	if len(p.stack) == 0 {
		return
	}
	name := p.stack[len(p.stack)-1]
	parent := p.parent(1)
	defer func() { p.stack = p.stack[:len(p.stack)-1]; p.text = p.text[:0] }()
	if name == "Name" && parent == "Author" && p.parent(2) == "TrainingCenterDatabase" {
		p.author = strings.TrimSpace(unescapeXML(p.text))
	}
	if p.cur == nil {
		return
	}
	if pt := p.pt; pt != nil {
		switch name {
		case "Trackpoint":
			if pt.Time.IsZero() {
				p.cur.noTime++
			} else {
				p.cur.samples = append(p.cur.samples, *pt)
				if p.lap != nil {
					p.lap.points++
				}
			}
			p.pt = nil
		case "Time":
			pt.Time = parseGPXTime(strings.TrimSpace(string(p.text)))
		case "LatitudeDegrees":
			if v := p.num(); math.Abs(v) <= 90 {
				pt.Lat = v
			}
		case "LongitudeDegrees":
			if v := p.num(); math.Abs(v) <= 180 {
				pt.Lon = v
			}
		case "AltitudeMeters":
			pt.Altitude = p.num()
		case "DistanceMeters":
			if v := p.num(); v >= 0 {
				pt.Distance = v
			}
		case "Value":
			if parent == "HeartRateBpm" {
				p.cur.hrSeen++
				switch v := p.num(); {
				case v >= 255:
					p.cur.hr255++
				case v > 0:
					pt.HeartRate = v
				}
			}
		case "Cadence", "RunCadence":
			if v := p.num(); v >= 0 && v < 300 && (name == "Cadence" || !analysis.Has(pt.Cadence)) {
				pt.Cadence = v
			}
		case "Speed":
			if v := p.num(); v >= 0 && v < 100 {
				pt.Speed = v
			}
		case "Watts":
			if v := p.num(); v >= 0 && v < 3000 {
				pt.Power = v
			}
		}
		return
	}
	switch name {
	case "Activity":
		p.cur, p.lap = nil, nil
		return
	case "Id":
		if parent == "Activity" {
			p.cur.id = strings.TrimSpace(string(p.text))
		}
		return
	case "Name":
		if parent == "Creator" && p.parent(2) == "Activity" {
			p.cur.creator = strings.TrimSpace(unescapeXML(p.text))
		}
		return
	case "Lap":
		p.lap = nil
		return
	}
	l := p.lap
	if l == nil {
		return
	}
	switch {
	case parent == "Lap":
		switch name {
		case "TotalTimeSeconds":
			if v := p.num(); v >= 0 {
				l.total, l.hasTotal = v, true
			}
		case "DistanceMeters":
			if v := p.num(); v >= 0 {
				l.dist, l.hasDist = v, true
			}
		case "MaximumSpeed":
			l.maxSpeed = p.num()
		case "Calories":
			l.cal = p.num()
		case "Intensity":
			l.intensity = strings.ToLower(strings.TrimSpace(string(p.text)))
			if l.intensity == "resting" {
				l.intensity = "rest" // the FIT spelling analysis uses
			}
		case "TriggerMethod":
			l.trigger = tcxTrigger(strings.TrimSpace(string(p.text)))
		}
	case name == "Value" && parent == "AverageHeartRateBpm":
		if v := p.num(); v > 0 && v < 255 {
			l.avgHR = v
		}
	case name == "Value" && parent == "MaximumHeartRateBpm":
		if v := p.num(); v > 0 && v < 255 {
			l.maxHR = v
		}
	case name == "AvgSpeed" && parent == "LX":
		l.avgSpeed = p.num()
	}
}

// tcxTrigger maps a TCX TriggerMethod to the FIT lap_trigger spelling.
func tcxTrigger(s string) string {
	switch strings.ToLower(s) {
	case "manual":
		return "manual"
	case "distance":
		return "distance"
	case "location":
		return "position_lap"
	case "time":
		return "time"
	case "heartrate":
		return "heart_rate"
	}
	return strings.ToLower(s)
}

// errTCXTooDeep stops documents nested absurdly deep (a broken or hostile
// file), which would otherwise grow the element stack without bound.
var errTCXTooDeep = errors.New("elements nested more than 64 deep")

// tcxTokenize feeds the parser from r (see scanXML) and returns the first
// error: a tokenizer error, a closing tag that does not match the open
// element, io.ErrUnexpectedEOF for a document that ends inside an
// element, or nil.
func tcxTokenize(r io.Reader, p *tcxParser) error {
	return scanXML(r, func(ev *xmlEvent) error {
		if ev.end {
			if len(p.stack) == 0 {
				return fmt.Errorf("closing tag </%s> without an open element", ev.name)
			}
			if top := p.stack[len(p.stack)-1]; top != tcxNames[string(localName(ev.name))] {
				return fmt.Errorf("closing tag </%s> inside <%s>", ev.name, top)
			}
			p.end()
			return nil
		}
		if len(p.stack) >= 64 {
			return errTCXTooDeep
		}
		p.start(localName(ev.name), ev.attr)
		if len(ev.data) > 0 {
			p.chars(ev.data)
		}
		if ev.self {
			p.end()
		}
		return nil
	})
}

// xmlEvent is a start or end element read by scanXML.
type xmlEvent struct {
	end   bool   // an end element (</name>)
	name  []byte // the qualified name as written
	attrs []byte // a start element's attribute text
	data  []byte // character data right after a start element (CDATA unwrapped; entities not decoded)
	self  bool   // a start element written <name/>
}

// attr returns the unescaped value of the attribute with the given local
// name, or "".
func (ev *xmlEvent) attr(name string) string { return attrValue(ev.attrs, name) }

// scanXML streams the elements of an XML document to fn with
// github.com/muktihari/xmltokenizer v0.0.5. It returns fn's first error, a
// tokenizer error, io.ErrUnexpectedEOF for a document that ends inside an
// element, or nil. Processing instructions, comments and directives are
// skipped; the data of an event is only valid during the call.
//
// Measured against encoding/xml's streaming Decoder.Token feeding the
// same TCX parser (BenchmarkTCXTokenizers, one-hour 1 Hz run, 1.4 MB, on a
// shared 2-core machine): 4 to 5 times the throughput (260,000-330,000
// against 54,000-70,000 points/s) and a ninth of the allocation (1.4 MB
// and 3,600 allocations against 12.3 MB and 317,000 per file);
// encoding/xml was no faster than gpxgo (50,000-60,000 points/s), the
// GPX decoder before GPX was streamed with this tokenizer too. A Strava
// export of a thousand one-hour TCX files decodes in about 15 s instead
// of a minute.
//
// Only the tokenizer's RawToken (the bytes of one tag and the character
// data after it) is used: its Token method marks any start tag with a "/"
// in an attribute value (xmlns="http://...") as self-closing and reads no
// single-quoted attributes, so tags are split here (rawTag). What the
// tokenizer leaves out is done by the callers: the charset is converted
// before it (xmlReader), entities are unescaped in the text kept, and
// nesting is checked where it matters.
func scanXML(r io.Reader, fn func(ev *xmlEvent) error) error {
	tok := xmltokenizer.New(r)
	depth := 0
	var ev xmlEvent
	for {
		b, err := tok.RawToken()
		if len(b) > 1 && b[0] == '<' && b[1] != '?' && b[1] != '!' && (err == nil || errors.Is(err, io.EOF)) {
			ev = xmlEvent{}
			if b[1] == '/' {
				name := b[2:]
				if i := bytes.IndexByte(name, '>'); i >= 0 {
					name = name[:i]
				}
				ev.end, ev.name = true, bytes.TrimSpace(name)
				depth--
			} else {
				tag, data, self, ok := rawTag(b)
				if !ok {
					return fmt.Errorf("malformed tag %q", preview(b))
				}
				n := 0
				for n < len(tag) && !isSpace(tag[n]) && tag[n] != '/' {
					n++
				}
				ev.name, ev.attrs, ev.self = tag[:n], tag[n:], self
				if bytes.HasPrefix(data, []byte("<![CDATA[")) {
					data = bytes.TrimSuffix(data[len("<![CDATA["):], []byte("]]>"))
				}
				ev.data = data
				if !self {
					depth++
				}
			}
			if ferr := fn(&ev); ferr != nil {
				return ferr
			}
		}
		if errors.Is(err, io.EOF) {
			if depth > 0 {
				return io.ErrUnexpectedEOF
			}
			return nil
		}
		if err != nil {
			return err
		}
	}
}

// rawTag splits "<name attrs>data" into the tag's inside ("name attrs"),
// the data after it, and whether it ends with "/>". Quoted attribute
// values may hold "/" and ">".
func rawTag(b []byte) (tag, data []byte, self, ok bool) {
	var quote byte
	for i := 1; i < len(b); i++ {
		c := b[i]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '"' || c == '\'':
			quote = c
		case c == '>':
			tag = b[1:i]
			if len(tag) > 0 && tag[len(tag)-1] == '/' {
				tag, self = tag[:len(tag)-1], true
			}
			return tag, b[i+1:], self, true
		}
	}
	return nil, nil, false, false
}

// localName drops a namespace prefix.
func localName(b []byte) []byte {
	if i := bytes.LastIndexByte(b, ':'); i >= 0 {
		return b[i+1:]
	}
	return b
}

// attrRaw returns the value of the attribute with the given local name
// as written (entities not decoded), or nil.
func attrRaw(attrs []byte, name string) []byte {
	for len(attrs) > 0 {
		attrs = bytes.TrimLeft(attrs, " \t\r\n")
		eq := bytes.IndexByte(attrs, '=')
		if eq < 0 {
			return nil
		}
		key := bytes.TrimSpace(attrs[:eq])
		rest := bytes.TrimLeft(attrs[eq+1:], " \t\r\n")
		if len(rest) == 0 || (rest[0] != '"' && rest[0] != '\'') {
			return nil
		}
		end := bytes.IndexByte(rest[1:], rest[0])
		if end < 0 {
			return nil
		}
		if string(localName(key)) == name {
			return rest[1 : 1+end]
		}
		attrs = rest[end+2:]
	}
	return nil
}

// attrValue returns the unescaped value of the attribute with the given
// local name in a tag's attribute text, or "".
func attrValue(attrs []byte, name string) string {
	if v := attrRaw(attrs, name); v != nil {
		return unescapeXML(v)
	}
	return ""
}

// unescapeXML decodes the entities and character references of XML text.
func unescapeXML(b []byte) string {
	if bytes.IndexByte(b, '&') < 0 {
		return string(b)
	}
	return html.UnescapeString(string(b))
}

// xmlReader returns data as UTF-8 for the tokenizer: a UTF-16 document
// (by its byte-order mark) or one declaring another encoding is converted;
// a UTF-8 byte-order mark and blank lines before <?xml (some exporters
// write them) are dropped.
func xmlReader(data []byte) (io.Reader, error) { return xmlStream(data, nil) }

// xmlStream is xmlReader for a document whose first bytes are head (the
// declaration must be within them) and whose rest is read from rest (nil:
// nothing more).
func xmlStream(head []byte, rest io.Reader) (io.Reader, error) {
	all := func(h []byte) io.Reader {
		if rest == nil {
			return bytes.NewReader(h)
		}
		return io.MultiReader(bytes.NewReader(h), rest)
	}
	switch {
	case bytes.HasPrefix(head, []byte{0xff, 0xfe}), bytes.HasPrefix(head, []byte{0xfe, 0xff}):
		return transform.NewReader(all(head), unicode.UTF16(unicode.LittleEndian, unicode.ExpectBOM).NewDecoder()), nil
	}
	head = bytes.TrimPrefix(head, []byte("\xef\xbb\xbf"))
	head = bytes.TrimLeft(head, " \t\r\n")
	if enc := declaredEncoding(head); enc != "" && !strings.EqualFold(enc, "utf-8") && !strings.EqualFold(enc, "utf8") &&
		!strings.EqualFold(enc, "us-ascii") && !strings.EqualFold(enc, "ascii") {
		r, err := charset.NewReaderLabel(enc, all(head))
		if err != nil {
			return nil, fmt.Errorf("unsupported encoding %q", enc)
		}
		return r, nil
	}
	return all(head), nil
}

// declaredEncoding returns the encoding named by an XML declaration at the
// start of data, or "".
func declaredEncoding(data []byte) string {
	if !bytes.HasPrefix(data, []byte("<?xml")) {
		return ""
	}
	end := bytes.Index(data, []byte("?>"))
	if end < 0 {
		return ""
	}
	decl := data[:end]
	i := bytes.Index(decl, []byte("encoding"))
	if i < 0 {
		return ""
	}
	rest := bytes.TrimLeft(decl[i+len("encoding"):], " \t\r\n=")
	if len(rest) == 0 || (rest[0] != '"' && rest[0] != '\'') {
		return ""
	}
	q := rest[0]
	rest = rest[1:]
	if j := bytes.IndexByte(rest, q); j >= 0 {
		return string(rest[:j])
	}
	return ""
}

// decodeTCX decodes a Training Center XML document: each Activity (also
// the legs of a MultiSportSession) is one activity, in file order. See
// doc.go and the package README for the rules (totals from the laps, the
// 255 heart-rate sentinel, indoor distance, zones).
func (d *Decoder) decodeTCX(name string, data []byte) Result {
	if int64(len(data)) > d.maxTCX() {
		return Result{Status: StatusRejected, Err: &FileError{
			Path:   name,
			Err:    fmt.Errorf("tcx file is %s bytes, over the %s byte limit", commas(len(data)), commas(int(d.maxTCX()))),
			Advice: "split the file, or export the activity as FIT",
		}}
	}
	r, err := xmlReader(data)
	if err != nil {
		return Result{Status: StatusRejected, Err: &FileError{Path: name, Err: err, Advice: "convert the file to UTF-8, or export it again"}}
	}
	p := &tcxParser{}
	err = tcxTokenize(r, p)
	return d.tcxResult(name, p, err)
}

// tcxResult builds the Result from what the parser read; err is the
// tokenizer's error.
func (d *Decoder) tcxResult(name string, p *tcxParser, err error) Result {
	var damage, warnings []string
	if err != nil {
		where := strings.Join(slices.DeleteFunc(slices.Clone(p.stack), func(s string) bool { return s == "" }), "/")
		if errors.Is(err, io.ErrUnexpectedEOF) {
			damage = append(damage, fmt.Sprintf("truncated: the file ends inside %s; kept the complete trackpoints before it", where))
		} else {
			damage = append(damage, fmt.Sprintf("malformed xml inside %s (%s); kept the complete trackpoints before it", where, lowerFirst(err.Error())))
		}
	}
	if !strings.EqualFold(p.root, "TrainingCenterDatabase") {
		return Result{Status: StatusRejected, Err: &FileError{Path: name, Err: fmt.Errorf("not a tcx document (root element %q)", p.root),
			Advice: "the file is damaged or in another format; export it again"}}
	}
	var acts []*analysis.Activity
	noTime, hr255, empty := 0, 0, 0
	for _, ta := range p.acts {
		a := d.tcxActivity(ta)
		noTime += ta.noTime
		if a == nil {
			empty++
			continue
		}
		if ta.shifted != 0 {
			warnings = append(warnings, fmt.Sprintf("trackpoint times out of step with the laps (none within the laps' span): points moved by %s onto the laps' clock", ta.shifted.Round(time.Second)))
		}
		if ta.hr255 > 0 {
			if ta.hr255 == ta.hrSeen {
				warnings = append(warnings, fmt.Sprintf("heart rate 255 on every trackpoint (%d): a no-sensor sentinel, read as no heart rate", ta.hr255))
			} else {
				warnings = append(warnings, fmt.Sprintf("dropped %d heart rate(s) of 255 (a no-sensor sentinel)", ta.hr255))
			}
			hr255 += ta.hr255
		}
		acts = append(acts, a)
	}
	if noTime > 0 {
		warnings = append(warnings, fmt.Sprintf("dropped %d trackpoint(s) without a parsable time", noTime))
	}
	if empty > 0 && len(acts) > 0 {
		warnings = append(warnings, fmt.Sprintf("%d activity element(s) without laps or timed trackpoints left out", empty))
	}
	if p.bad > 0 {
		warnings = append(warnings, fmt.Sprintf("%d unparsable number(s) read as not recorded", p.bad))
	}
	if p.trans > 0 {
		warnings = append(warnings, fmt.Sprintf("%d multisport transition(s) not counted as activities", p.trans))
	}
	if len(acts) == 0 {
		switch {
		case err != nil:
			return Result{Status: StatusRejected, Warnings: warnings, Err: &FileError{Path: name, Err: errors.New(damage[0]),
				Advice: "no complete activity before the damage; export the file again from the app that made it"}}
		case len(p.acts) > 0:
			return Result{Status: StatusSkipped, Kind: "tcx:empty-activity", Warnings: warnings}
		case p.courses > 0:
			return Result{Status: StatusSkipped, Kind: "tcx:course", Warnings: warnings}
		case p.workouts > 0:
			return Result{Status: StatusSkipped, Kind: "tcx:workout", Warnings: warnings}
		}
		return Result{Status: StatusSkipped, Kind: "tcx:no-activity", Warnings: warnings}
	}
	res := Result{Status: StatusImported, Activities: acts, Warnings: append(warnings, damage...)}
	if len(damage) > 0 {
		res.Partial, res.PartialReason = true, strings.Join(damage, "; ")
		for _, a := range acts {
			a.Partial, a.PartialReason = true, res.PartialReason
		}
	}
	return res
}

// tcxActivity turns one Activity element into an activity, or nil when it
// has neither a timed lap nor a timed trackpoint.
//
// Start: the first lap's StartTime, else the Id, else the first point.
// Totals: the laps' own totals where the file has them (TotalTimeSeconds
// summed is the moving time, DistanceMeters summed the distance, Calories
// summed), else from the points (their DistanceMeters, else the track's
// length). Elapsed time runs from the start to the later of the last
// lap's end and the last point. Sample distances are kept as the device
// wrote them, cumulative from the activity's start, so a track that begins
// at 2.6 km (its lap started minutes before its first point) keeps that.
func (d *Decoder) tcxActivity(ta *tcxActivity) *analysis.Activity {
	a := newActivity()
	a.Samples = ta.samples
	sortSamples(a.Samples)
	var lapStart, idStart time.Time
	for _, l := range ta.laps {
		if !l.start.IsZero() {
			lapStart = l.start
			break
		}
	}
	idStart = parseGPXTime(ta.id)
	switch {
	case !lapStart.IsZero():
		a.Start = lapStart
	case !idStart.IsZero():
		a.Start = idStart
	case len(a.Samples) > 0:
		a.Start = a.Samples[0].Time
	default:
		return nil
	}
	if len(ta.laps) == 0 && len(a.Samples) == 0 {
		return nil
	}
	if shift := outOfStep(ta.laps, a.Samples); shift != 0 && !lapStart.IsZero() {
		for i := range a.Samples {
			a.Samples[i].Time = a.Samples[i].Time.Add(shift)
		}
		ta.shifted = shift
	}
	if len(a.Samples) > 0 && a.Samples[0].Time.Before(a.Start) && lapStart.IsZero() {
		a.Start = a.Samples[0].Time // points before the Id's time: the activity started then
	}
	var total, dist, cal float64
	hasTotal, hasDist, hasCal := false, false, false
	maxHR := math.NaN()
	end := a.Start
	for _, l := range ta.laps {
		lap := analysis.Lap{
			Start: l.start, ElapsedTime: math.NaN(), MovingTime: math.NaN(), Distance: math.NaN(),
			Intensity: l.intensity, Trigger: l.trigger, AvgHR: l.avgHR, MaxHR: l.maxHR, AvgSpeed: l.avgSpeed,
		}
		if l.hasTotal {
			total += l.total
			hasTotal = true
			lap.MovingTime, lap.ElapsedTime = l.total, l.total
			if !l.start.IsZero() {
				if e := l.start.Add(time.Duration(l.total * float64(time.Second))); e.After(end) {
					end = e
				}
			}
		}
		if l.hasDist {
			dist += l.dist
			hasDist = hasDist || l.dist > 0
			lap.Distance = l.dist
			if !analysis.Has(lap.AvgSpeed) && l.total > 0 {
				lap.AvgSpeed = l.dist / l.total
			}
		}
		if analysis.Has(l.cal) && l.cal >= 0 {
			cal += l.cal
			hasCal = true
		}
		if analysis.Has(l.maxHR) && (!analysis.Has(maxHR) || l.maxHR > maxHR) {
			maxHR = l.maxHR
		}
		if lap.Start.IsZero() && l.points > 0 {
			lap.Start = ta.samples[l.firstPoint].Time
		}
		a.Laps = append(a.Laps, lap)
	}
	fromLaps := hasTotal && total > 0
	fillTotals(a, fromLaps)
	if fromLaps {
		a.MovingTime = total
		a.TotalsFrom = "laps"
	}
	if n := len(a.Samples); n > 0 && a.Samples[n-1].Time.After(end) {
		end = a.Samples[n-1].Time
	}
	a.ElapsedTime = end.Sub(a.Start).Seconds()
	if fromLaps && a.ElapsedTime < a.MovingTime {
		a.ElapsedTime = a.MovingTime
	}
	if hasDist {
		a.Distance = dist
	}
	if !analysis.Has(a.Distance) && hasTotal {
		a.Distance = dist // laps that say 0 m (a pool or strength session)
	}
	if hasCal {
		a.Calories = cal
	}
	if analysis.Has(maxHR) && (!analysis.Has(a.MaxHR) || maxHR > a.MaxHR) {
		a.MaxHR = maxHR
	}
	a.Device = ta.creator
	a.Sport, a.SubSport = tcxSport(ta.sport)
	if a.Sport == "" {
		inferSport(a)
	}
	if !hasPosition(a.Samples) && len(a.Samples) > 0 {
		switch a.Sport {
		case analysis.SportRunning:
			a.SubSport = "indoor_running"
		case analysis.SportCycling:
			a.SubSport = "indoor_cycling"
		}
	}
	d.setZone(a)
	return a
}

// outOfStep returns how far to move the points onto the laps' clock when
// no point lies within a minute of the laps' span (a Dakota writing its
// lap start 6 hours off, a file whose laps say 2015 and points 2021), so
// the first point falls on the first lap's start; 0 when they overlap.
func outOfStep(laps []tcxLap, s []analysis.Sample) time.Duration {
	if len(s) == 0 {
		return 0
	}
	var from, to time.Time
	for _, l := range laps {
		if l.start.IsZero() {
			continue
		}
		if from.IsZero() || l.start.Before(from) {
			from = l.start
		}
		e := l.start
		if l.hasTotal {
			e = l.start.Add(time.Duration(l.total * float64(time.Second)))
		}
		if e.After(to) {
			to = e
		}
	}
	if from.IsZero() {
		return 0
	}
	first, last := s[0].Time, s[len(s)-1].Time
	if last.Before(from.Add(-time.Minute)) || first.After(to.Add(time.Minute)) {
		return from.Sub(first)
	}
	return 0
}

// tcxSport maps the Sport attribute (Running, Biking, Other, in any case;
// some exporters write other names) to a sport; "" for Other and unknown
// names, whose sport is then inferred from speed.
func tcxSport(s string) (string, string) {
	if strings.EqualFold(strings.TrimSpace(s), "other") {
		return "", ""
	}
	return gpxSport(s)
}

func hasPosition(s []analysis.Sample) bool {
	for i := range s {
		if analysis.Has(s[i].Lat) && analysis.Has(s[i].Lon) {
			return true
		}
	}
	return false
}

func (d *Decoder) maxTCX() int64 {
	if d.opts.MaxTCXBytes > 0 {
		return d.opts.MaxTCXBytes
	}
	return DefaultMaxTCXBytes
}
