package ingest

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"path"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/taper-run/taper/analysis"
)

// FormatAppleHealth is an Apple Health export (export.xml, root HealthData).
const FormatAppleHealth = "apple-health"

// Where an Apple Health workout's zone came from (analysis.Activity.TimeSource).
const (
	// TZFromHealthKit: the workout's HKTimeZone metadata.
	TZFromHealthKit = "healthkit_time_zone"
	// TZFromExportOffset: the UTC offset the export wrote on the workout's
	// start date, which is the phone's zone when the export was made, not
	// necessarily where the workout was; used only when the workout has no
	// HKTimeZone, no route and the athlete no zone.
	TZFromExportOffset = "export_offset"
)

// HealthKit record types taper reads inside workouts.
const (
	hkHeartRate = "HKQuantityTypeIdentifierHeartRate"
	hkDistance  = "HKQuantityTypeIdentifierDistanceWalkingRunning"
)

// healthRecord is one heart-rate or distance record, compact: the
// records of a several-GB export are read in a second pass and only those
// inside a workout kept.
type healthRecord struct {
	start, end int64   // unix ms
	value      float64 // bpm, or m
	source     string  // sourceName (interned per export)
}

// healthWorkout is one Workout element and what belongs to it.
type healthWorkout struct {
	typ, source        string
	start, end         time.Time
	offset             int // UTC offset written on the start date, s
	duration           float64
	distance, energy   float64
	avgHR, maxHR       float64
	zone               string // HKTimeZone
	indoor             bool
	locations          []analysis.Sample
	routeFiles         []string // FileReference paths, as written
	routeSamples       []analysis.Sample
	routeNote          string // why a route file was not used
	hr, dist           []healthRecord
	statDistance       float64
	statEnergy         float64
	statHRAvg, statMax float64
}

// HealthExport is what an Apple Health export.xml holds for taper: its
// workouts with their routes and the heart-rate and distance records
// inside them. Walk fills Entry.Health with it for an export.xml (see
// ReadHealthExport); Decoder.DecodeEntry turns it into activities.
type HealthExport struct {
	workouts  []*healthWorkout
	records   int // records seen (all types)
	kept      int // heart-rate and distance records kept (inside workouts)
	err       error
	warnings  []string
	Routes    []string // route files read (paths as the export references them, below its folder)
	Bytes     int64    // bytes of export.xml read in the first pass
	TwoPasses bool     // the records were read in a second pass over the file
}

// samples is about how many samples the export's activities will hold:
// their route points and the records kept inside them.
func (h *HealthExport) samples() int64 {
	n := int64(h.kept)
	for _, w := range h.workouts {
		n += int64(len(w.locations) + len(w.routeSamples))
	}
	return n
}

// HealthOpen opens export.xml again from its start; nil when it cannot be
// (a member of a zip inside a zip read as a stream).
type HealthOpen func() (io.ReadCloser, error)

// ReadHealthExport reads an Apple Health export.xml from r with bounded
// memory. The records come before the workouts and are not sorted by
// them, so when reopen is not nil the first pass (r) reads the workouts
// only and a second pass (reopen) keeps the heart-rate and walking/running
// distance records that fall inside a workout; memory is the workouts'
// own data. Without reopen one pass keeps every heart-rate and distance
// record compactly (about 50 bytes each) and drops those outside the
// workouts at the end. route returns the bytes of a FileReference'd route
// file (path as written, e.g. "/workout-routes/route_2019-06-11_3.00pm.gpx"),
// or an error; it may be nil. progress, when not nil, is called with the
// bytes read so far.
func ReadHealthExport(r io.Reader, reopen HealthOpen, route func(string) ([]byte, error), progress func(int64)) *HealthExport {
	h := &HealthExport{}
	cr := &countingReader{r: r, progress: progress}
	onePass := reopen == nil
	var all []healthRecord
	src, err := xmlReaderStream(cr)
	var keep func(healthRecord, string) // first pass of two: records are read in the second
	if onePass {
		keep = func(rec healthRecord, typ string) {
			if typ == hkDistance {
				rec.value = -rec.value - 1 // distance marked by sign (values are >= 0)
			}
			all = append(all, rec)
		}
	}
	if err == nil {
		err = h.scan(src, true, keep, nil)
	}
	h.Bytes = cr.n
	h.err = err
	if len(h.workouts) == 0 {
		return h
	}
	sort.SliceStable(h.workouts, func(i, j int) bool { return h.workouts[i].start.Before(h.workouts[j].start) })
	if onePass {
		for _, rec := range all {
			typ := hkHeartRate
			if rec.value < 0 {
				typ, rec.value = hkDistance, -rec.value-1
			}
			h.assign(rec, typ)
		}
	} else if rc, oerr := reopen(); oerr != nil {
		h.warnings = append(h.warnings, fmt.Sprintf("could not read export.xml again for heart rates and distances: %v", oerr))
	} else {
		h.TwoPasses = true
		src, err := xmlReaderStream(rc)
		if err == nil {
			// The first pass reported any damage; this one stops there too.
			_ = (&HealthExport{}).scan(src, false, h.assign, h.covered)
		}
		rc.Close()
	}
	if route != nil {
		h.readRoutes(route)
	}
	return h
}

// countingReader counts the bytes read through it.
type countingReader struct {
	r        io.Reader
	n        int64
	progress func(int64)
	last     int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	if c.progress != nil && c.n-c.last >= 4<<20 {
		c.last = c.n
		c.progress(c.n)
	}
	return n, err
}

// xmlReaderStream is xmlReader for a stream: its first bytes decide the
// encoding.
func xmlReaderStream(r io.Reader) (io.Reader, error) {
	head := make([]byte, 512)
	n, err := io.ReadFull(r, head)
	if err != nil && err != io.ErrUnexpectedEOF && err != io.EOF {
		return nil, err
	}
	return xmlStream(head[:n], r)
}

// covered reports whether a record from start to end (unix ms) falls
// inside a workout, with assign's slack.
func (h *HealthExport) covered(start, end int64) bool {
	ws := h.workouts
	i := sort.Search(len(ws), func(i int) bool { return ws[i].start.UnixMilli() > end+60000 }) - 1
	return i >= 0 && start <= ws[i].end.UnixMilli()+60000
}

// healthMillis parses an export date (see parseHealthDate) into unix ms
// without allocating for the two layouts exports write.
func healthMillis(b []byte) (int64, bool) {
	num := func(b []byte) (int, bool) {
		n := 0
		for _, c := range b {
			if c < '0' || c > '9' {
				return 0, false
			}
			n = n*10 + int(c-'0')
		}
		return n, true
	}
	var date, clock, zone []byte
	switch {
	case len(b) == 25 && b[4] == '-' && b[7] == '-' && b[10] == ' ' && b[13] == ':' && b[16] == ':' && b[19] == ' ':
		date, clock, zone = []byte{b[0], b[1], b[2], b[3], b[5], b[6], b[8], b[9]}, []byte{b[11], b[12], b[14], b[15], b[17], b[18]}, b[20:]
	case len(b) == 19 && (b[14] == '+' || b[14] == '-'):
		date, clock, zone = b[:8], b[8:14], b[14:]
	default:
		t, _, ok := parseHealthDate(string(b))
		return t.UnixMilli(), ok
	}
	y, ok1 := num(date[:4])
	mo, ok2 := num(date[4:6])
	d, ok3 := num(date[6:8])
	hh, ok4 := num(clock[:2])
	mm, ok5 := num(clock[2:4])
	ss, ok6 := num(clock[4:6])
	zh, ok7 := num(zone[1:3])
	zm, ok8 := num(zone[3:5])
	if !(ok1 && ok2 && ok3 && ok4 && ok5 && ok6 && ok7 && ok8) || (zone[0] != '+' && zone[0] != '-') {
		return 0, false
	}
	off := zh*3600 + zm*60
	if zone[0] == '-' {
		off = -off
	}
	t := time.Date(y, time.Month(mo), d, hh, mm, ss, 0, time.UTC).Add(-time.Duration(off) * time.Second)
	return t.UnixMilli(), true
}

// assign keeps a record that falls inside a workout (with a minute of
// slack: heart-rate records are written every few seconds around it).
func (h *HealthExport) assign(rec healthRecord, typ string) {
	ws := h.workouts
	// the last workout starting before the record ends
	i := sort.Search(len(ws), func(i int) bool { return ws[i].start.UnixMilli() > rec.end+60000 }) - 1
	for ; i >= 0; i-- {
		w := ws[i]
		if rec.start > w.end.UnixMilli()+60000 {
			break // workouts do not overlap: the earlier ones ended before too
		}
		if typ == hkHeartRate {
			w.hr = append(w.hr, rec)
		} else {
			w.dist = append(w.dist, rec)
		}
		h.kept++
		return
	}
}

// parseHealthDate parses an export date: "2019-07-19 10:36:11 -0700" or
// the compact "20151107171924+0100" of older exports. It returns the UTC
// time and the offset written, in seconds.
func parseHealthDate(s string) (time.Time, int, bool) {
	s = strings.TrimSpace(s)
	for _, layout := range []string{"2006-01-02 15:04:05 -0700", "20060102150405-0700", "2006-01-02 15:04:05-0700", time.RFC3339} {
		if t, err := time.Parse(layout, s); err == nil {
			_, off := t.Zone()
			return t.UTC(), off, true
		}
	}
	return time.Time{}, 0, false
}

func parseFloat(s string) float64 {
	v, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil || math.IsInf(v, 0) {
		return math.NaN()
	}
	return v
}

// toMeters converts a distance in unit to metres (NaN for unknown units).
func toMeters(v float64, unit string) float64 {
	switch strings.ToLower(strings.TrimSpace(unit)) {
	case "m", "":
		return v
	case "km":
		return v * 1000
	case "mi":
		return v * 1609.344
	case "ft":
		return v * 0.3048
	case "yd":
		return v * 0.9144
	case "cm":
		return v / 100
	}
	return math.NaN()
}

// toSeconds converts a duration in unit to seconds.
func toSeconds(v float64, unit string) float64 {
	switch strings.ToLower(strings.TrimSpace(unit)) {
	case "s", "sec", "":
		return v
	case "min":
		return v * 60
	case "hr", "h":
		return v * 3600
	case "ms":
		return v / 1000
	}
	return math.NaN()
}

// toKcal converts energy in unit to kcal.
func toKcal(v float64, unit string) float64 {
	switch strings.ToLower(strings.TrimSpace(unit)) {
	case "kcal", "cal", "":
		return v // Health writes "Cal" for food calories, which are kcal
	case "kj":
		return v / 4.184
	case "j":
		return v / 4184
	}
	return math.NaN()
}

// toBPM converts a heart rate in unit to beats per minute.
func toBPM(v float64, unit string) float64 {
	switch strings.ToLower(strings.TrimSpace(unit)) {
	case "count/min", "":
		return v
	case "count/s":
		return v * 60
	}
	return math.NaN()
}

// scan reads one pass of export.xml. workouts: collect the Workout
// elements (first pass); rec, when not nil, is called for every
// heart-rate and walking/running distance Record outside Correlations
// that want (when not nil) accepts by its start and end (unix ms): its
// dates are read before anything else of it.
func (h *HealthExport) scan(r io.Reader, workouts bool, rec func(healthRecord, string), want func(start, end int64) bool) error {
	var (
		depth   int
		root    string
		cur     *healthWorkout
		inRoute bool
		sources = map[string]string{}
	)
	intern := func(s string) string {
		if v, ok := sources[s]; ok {
			return v
		}
		sources[s] = s
		return s
	}
	err := scanXML(r, func(ev *xmlEvent) error {
		name := string(localName(ev.name))
		if ev.end {
			depth--
			switch name {
			case "Workout":
				if cur != nil && depth == 1 {
					cur = nil
				}
			case "WorkoutRoute":
				inRoute = false
			}
			return nil
		}
		if !ev.self {
			depth++
		}
		level := depth // of the element: 1 = root
		if !ev.self {
			level--
		}
		if level == 0 {
			if root == "" {
				root = string(localName(ev.name)) // name itself stays on the stack
				if root != "HealthData" {
					return fmt.Errorf("not an Apple Health export (root element %q)", root)
				}
			}
			return nil
		}
		switch {
		case name == "Record" && level == 1:
			h.records++
			if rec == nil {
				return nil
			}
			raw := attrRaw(ev.attrs, "type")
			if string(raw) != hkHeartRate && string(raw) != hkDistance {
				return nil
			}
			typ := hkHeartRate
			if string(raw) == hkDistance {
				typ = hkDistance
			}
			s, ok1 := healthMillis(attrRaw(ev.attrs, "startDate"))
			e, ok2 := healthMillis(attrRaw(ev.attrs, "endDate"))
			if !ok1 || !ok2 || (want != nil && !want(s, e)) {
				return nil
			}
			v := parseFloat(ev.attr("value"))
			if !analysis.Has(v) || v < 0 {
				return nil
			}
			unit := ev.attr("unit")
			if typ == hkHeartRate {
				v = toBPM(v, unit)
				if !(v > 0 && v < 255) {
					return nil
				}
			} else if v = toMeters(v, unit); !analysis.Has(v) {
				return nil
			}
			src := ev.attr("sourceName")
			if src == "" {
				src = ev.attr("source")
			}
			rec(healthRecord{start: s, end: e, value: v, source: intern(src)}, typ)
		case name == "Workout" && level == 1 && workouts:
			cur = h.workout(ev)
			if cur != nil {
				h.workouts = append(h.workouts, cur)
			}
			if ev.self {
				cur = nil
			}
		case cur == nil:
		case name == "MetadataEntry" && level == 2:
			switch ev.attr("key") {
			case "HKTimeZone":
				cur.zone = strings.TrimSpace(ev.attr("value"))
			case "HKIndoorWorkout":
				cur.indoor = strings.TrimSpace(ev.attr("value")) == "1"
			}
		case name == "WorkoutStatistics" && level == 2:
			typ, unit := ev.attr("type"), ev.attr("unit")
			switch typ {
			case hkDistance, "HKQuantityTypeIdentifierDistanceCycling", "HKQuantityTypeIdentifierDistanceSwimming",
				"HKQuantityTypeIdentifierDistanceWheelchair", "HKQuantityTypeIdentifierDistanceDownhillSnowSports":
				if v := toMeters(parseFloat(ev.attr("sum")), unit); analysis.Has(v) {
					cur.statDistance = v
				}
			case "HKQuantityTypeIdentifierActiveEnergyBurned":
				if v := toKcal(parseFloat(ev.attr("sum")), unit); analysis.Has(v) {
					cur.statEnergy = v
				}
			case hkHeartRate:
				cur.statHRAvg = toBPM(parseFloat(ev.attr("average")), unit)
				cur.statMax = toBPM(parseFloat(ev.attr("maximum")), unit)
			}
		case name == "WorkoutRoute" && level == 2:
			inRoute = !ev.self
		case name == "Location" && inRoute:
			t, _, ok := parseHealthDate(ev.attr("date"))
			lat, lon := parseFloat(ev.attr("latitude")), parseFloat(ev.attr("longitude"))
			if !ok || !(math.Abs(lat) <= 90) || !(math.Abs(lon) <= 180) || (lat == 0 && lon == 0) {
				return nil
			}
			m := math.NaN()
			s := analysis.Sample{Time: t, Lat: lat, Lon: lon, Altitude: parseFloat(ev.attr("altitude")),
				HeartRate: m, Cadence: m, Speed: parseFloat(ev.attr("speed")), Distance: m, Power: m}
			if s.Speed < 0 {
				s.Speed = m
			}
			cur.locations = append(cur.locations, s)
		case name == "FileReference" && inRoute:
			if p := strings.TrimSpace(ev.attr("path")); p != "" {
				cur.routeFiles = append(cur.routeFiles, p)
			}
		}
		return nil
	})
	if root == "" && err == nil {
		err = errors.New("no root element")
	}
	return err
}

// workout reads a Workout element's attributes; nil without valid dates.
func (h *HealthExport) workout(ev *xmlEvent) *healthWorkout {
	s, off, ok1 := parseHealthDate(ev.attr("startDate"))
	e, _, ok2 := parseHealthDate(ev.attr("endDate"))
	if !ok1 || !ok2 || e.Before(s) {
		h.warnings = append(h.warnings, fmt.Sprintf("left out a Workout without valid start and end dates (%q, %q)", ev.attr("startDate"), ev.attr("endDate")))
		return nil
	}
	src := ev.attr("sourceName")
	if src == "" {
		src = ev.attr("source")
	}
	m := math.NaN()
	w := &healthWorkout{
		typ: ev.attr("workoutActivityType"), source: normSource(src),
		start: s, end: e, offset: off,
		duration: toSeconds(parseFloat(ev.attr("duration")), ev.attr("durationUnit")),
		distance: toMeters(parseFloat(ev.attr("totalDistance")), ev.attr("totalDistanceUnit")),
		energy:   toKcal(parseFloat(ev.attr("totalEnergyBurned")), ev.attr("totalEnergyBurnedUnit")),
		avgHR:    m, maxHR: m, statDistance: m, statEnergy: m, statHRAvg: m, statMax: m,
	}
	if z := ev.attr("HKTimeZone"); z != "" { // old exports: metadata as attributes
		w.zone = z
	}
	return w
}

// readRoutes loads the route files the workouts reference. Route points
// outside the workout (more than 10 minutes before its start or after its
// end) are not its route: they are left out with a note.
func (h *HealthExport) readRoutes(route func(string) ([]byte, error)) {
	for _, w := range h.workouts {
		for _, p := range w.routeFiles {
			data, err := route(p)
			if err != nil {
				w.routeNote = fmt.Sprintf("route file %s not read: %v", p, err)
				continue
			}
			h.Routes = append(h.Routes, p)
			pts, outside, err := routePoints(data, w.start.Add(-10*time.Minute), w.end.Add(10*time.Minute))
			if err != nil {
				w.routeNote = fmt.Sprintf("route file %s is not valid GPX (%v): %d point(s) read before the damage", p, err, len(pts))
			}
			if outside > 0 {
				w.routeNote = fmt.Sprintf("%d point(s) of route file %s lie outside the workout (%s): left out", outside, p, w.start.Format(time.DateOnly))
			}
			w.routeSamples = append(w.routeSamples, pts...)
		}
	}
}

// routePoints streams the track points of a workout route GPX (as the
// Health export writes them: trkpt lat/lon, ele, time, and speed in the
// extensions) that fall between from and to; outside counts the others.
// Points without a time or a valid position are left out.
func routePoints(data []byte, from, to time.Time) (pts []analysis.Sample, outside int, err error) {
	r, err := xmlReader(data)
	if err != nil {
		return nil, 0, err
	}
	m := math.NaN()
	var cur *analysis.Sample
	err = scanXML(r, func(ev *xmlEvent) error {
		name := string(localName(ev.name))
		if ev.end {
			if name == "trkpt" && cur != nil {
				ok := !cur.Time.IsZero() && math.Abs(cur.Lat) <= 90 && math.Abs(cur.Lon) <= 180 && !(cur.Lat == 0 && cur.Lon == 0)
				switch {
				case !ok:
				case cur.Time.Before(from) || cur.Time.After(to):
					outside++
				default:
					pts = append(pts, *cur)
				}
				cur = nil
			}
			return nil
		}
		if name == "trkpt" {
			cur = &analysis.Sample{Lat: parseFloat(ev.attr("lat")), Lon: parseFloat(ev.attr("lon")), Altitude: m,
				HeartRate: m, Cadence: m, Speed: m, Distance: m, Power: m}
			if ev.self {
				cur = nil
			}
			return nil
		}
		if cur == nil {
			return nil
		}
		switch name {
		case "ele":
			cur.Altitude = parseFloat(string(ev.data))
		case "time":
			cur.Time = parseGPXTime(strings.TrimSpace(string(ev.data)))
		case "speed":
			if v := parseFloat(string(ev.data)); v >= 0 && v < 100 {
				cur.Speed = v
			}
		}
		return nil
	})
	return pts, outside, err
}

// decodeHealthBytes decodes an export.xml held in memory: both passes run
// over the bytes; routes referenced by file are not available.
func (d *Decoder) decodeHealthBytes(name string, data []byte) Result {
	reopen := func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(data)), nil }
	h := ReadHealthExport(bytes.NewReader(data), reopen, nil, nil)
	return d.DecodeHealth(name, h)
}

// DecodeHealth turns an Apple Health export read by ReadHealthExport into
// activities, one per Workout, in time order:
//
//   - sport from workoutActivityType (HKWorkoutActivityTypeRunning...);
//     HKIndoorWorkout marks indoor runs and rides;
//   - start and end as written (the offset on the dates is converted to
//     UTC); the moving time is the workout's duration; distance and energy
//     from its attributes (older exports) or its WorkoutStatistics, else
//     from the distance records or the route; heart rate from
//     WorkoutStatistics, else the records;
//   - samples: the route (inline Location elements or the referenced
//     workout-routes GPX), with the heart rate of the records inside the
//     workout and the cumulative distance of its walking/running distance
//     records (only those of the workout's own device when it wrote any:
//     the phone and the watch both write them), so an indoor run without
//     a route still has a speed stream;
//   - device: sourceName;
//   - zone: HKTimeZone metadata (TimeSource healthkit_time_zone), else the
//     route's first position, else the athlete's zone, else the offset
//     written on the start date (export_offset).
func (d *Decoder) DecodeHealth(name string, h *HealthExport) Result {
	var acts []*analysis.Activity
	warnings := append([]string(nil), h.warnings...)
	for _, w := range h.workouts {
		acts = append(acts, d.healthActivity(w))
		if w.routeNote != "" {
			warnings = append(warnings, w.routeNote)
		}
	}
	var damage string
	if h.err != nil {
		where := "after " + commas(int(h.Bytes)) + " bytes"
		if errors.Is(h.err, io.ErrUnexpectedEOF) {
			damage = "truncated: export.xml ends inside an element " + where + "; kept the workouts before it"
		} else {
			damage = fmt.Sprintf("malformed xml %s (%s); kept the workouts before it", where, lowerFirst(h.err.Error()))
		}
	}
	if len(acts) == 0 {
		if h.err != nil && h.records == 0 {
			return Result{Status: StatusRejected, Warnings: warnings, Err: &FileError{Path: name, Err: errors.New(damage),
				Advice: "export the health data again from the Health app (profile picture, Export All Health Data)"}}
		}
		res := Result{Status: StatusSkipped, Kind: "apple-health:no-workouts", Warnings: warnings}
		if damage != "" {
			res.Warnings = append(res.Warnings, damage)
		}
		return res
	}
	res := Result{Status: StatusImported, Activities: acts, Warnings: warnings}
	if damage != "" {
		res.Partial, res.PartialReason = true, damage
		res.Warnings = append(res.Warnings, damage)
		for _, a := range acts {
			a.Partial, a.PartialReason = true, damage
		}
	}
	return res
}

// healthActivity turns one workout into an activity.
func (d *Decoder) healthActivity(w *healthWorkout) *analysis.Activity {
	a := newActivity()
	a.Start = w.start
	a.ElapsedTime = w.end.Sub(w.start).Seconds()
	a.MovingTime = w.duration
	if !analysis.Has(a.MovingTime) || a.MovingTime <= 0 {
		a.MovingTime = a.ElapsedTime
	}
	a.ElapsedTime = math.Max(a.ElapsedTime, a.MovingTime) // the dates are whole seconds, the duration not
	a.Sport, a.SubSport = healthSport(w.typ)
	if w.indoor {
		switch a.Sport {
		case analysis.SportRunning:
			a.SubSport = "indoor_running"
		case analysis.SportCycling:
			a.SubSport = "indoor_cycling"
		}
	}
	a.Device = w.source
	a.Samples = healthSamples(w)
	a.TotalsFrom = "session"
	first := func(vs ...float64) float64 {
		for _, v := range vs {
			if analysis.Has(v) {
				return v
			}
		}
		return math.NaN()
	}
	a.Distance = first(w.distance, w.statDistance)
	a.Calories = first(w.energy, w.statEnergy)
	a.AvgHR = first(w.statHRAvg)
	a.MaxHR = first(w.statMax)
	t := analysis.ComputeTotals(a.Samples)
	if !analysis.Has(a.Distance) {
		a.Distance = t.Distance
	}
	if !analysis.Has(a.AvgHR) {
		a.AvgHR, a.MaxHR = t.AvgHR, t.MaxHR
	}
	a.Ascent = t.Ascent
	switch {
	case w.zone != "":
		if loc, err := time.LoadLocation(w.zone); err == nil {
			_, off := a.Start.In(loc).Zone()
			a.UTCOffset, a.TimeZone, a.TimeSource = off, w.zone, TZFromHealthKit
			return a
		}
		fallthrough
	default:
		d.setZone(a)
		if a.TimeSource == analysis.TZFromUTC {
			a.UTCOffset, a.TimeSource = w.offset, TZFromExportOffset
		}
	}
	return a
}

// healthSamples merges a workout's route with its heart-rate and distance
// records: one sample per route point, else per distance record end, else
// per heart-rate record; each carries the last heart rate at most 60 s
// old and the cumulative distance interpolated from the distance records.
func healthSamples(w *healthWorkout) []analysis.Sample {
	route := w.locations
	if len(route) == 0 {
		route = w.routeSamples
	}
	hr := ownSource(w.hr, w.source)
	dist := ownSource(w.dist, w.source)
	sort.Slice(hr, func(i, j int) bool { return hr[i].start < hr[j].start })
	sort.Slice(dist, func(i, j int) bool { return dist[i].start < dist[j].start })
	// cumulative distance at each record's end (from the workout's start)
	var cumT []int64
	var cumD []float64
	if len(dist) > 0 {
		total := 0.0
		cumT, cumD = append(cumT, max(dist[0].start, w.start.UnixMilli())), append(cumD, 0)
		for _, r := range dist {
			if r.end < w.start.UnixMilli() || r.start > w.end.UnixMilli() {
				continue
			}
			total += r.value
			cumT, cumD = append(cumT, r.end), append(cumD, total)
		}
	}
	distAt := func(t int64) float64 {
		if len(cumT) < 2 || t < cumT[0] {
			return math.NaN()
		}
		i := sort.Search(len(cumT), func(i int) bool { return cumT[i] >= t })
		switch {
		case i >= len(cumT):
			return cumD[len(cumD)-1]
		case cumT[i] == t || i == 0:
			return cumD[i]
		}
		f := float64(t-cumT[i-1]) / float64(cumT[i]-cumT[i-1])
		return cumD[i-1] + f*(cumD[i]-cumD[i-1])
	}
	hrAt := func(t int64) float64 {
		i := sort.Search(len(hr), func(i int) bool { return hr[i].start > t }) - 1
		if i < 0 || t-hr[i].start > 60000 {
			return math.NaN()
		}
		return hr[i].value
	}
	var out []analysis.Sample
	m := math.NaN()
	switch {
	case len(route) > 0:
		out = append(out, route...)
	case len(cumT) > 1:
		for _, t := range cumT {
			out = append(out, analysis.Sample{Time: time.UnixMilli(t).UTC(), Lat: m, Lon: m, Altitude: m, HeartRate: m, Cadence: m, Speed: m, Distance: m, Power: m})
		}
	default:
		for _, r := range hr {
			if r.start < w.start.UnixMilli() || r.start > w.end.UnixMilli() {
				continue
			}
			out = append(out, analysis.Sample{Time: time.UnixMilli(r.start).UTC(), Lat: m, Lon: m, Altitude: m, HeartRate: m, Cadence: m, Speed: m, Distance: m, Power: m})
		}
	}
	sortSamples(out)
	for i := range out {
		t := out[i].Time.UnixMilli()
		if !analysis.Has(out[i].HeartRate) {
			out[i].HeartRate = hrAt(t)
		}
		out[i].Distance = distAt(t)
	}
	return out
}

// ownSource returns the records written by source when there are any
// (the watch's, not also the phone's), else all of them.
func ownSource(recs []healthRecord, source string) []healthRecord {
	var own []healthRecord
	for _, r := range recs {
		if normSource(r.source) == source {
			own = append(own, r)
		}
	}
	if len(own) > 0 {
		return own
	}
	return append([]healthRecord(nil), recs...)
}

// normSource is a sourceName with its spaces (no-break ones included,
// as in "Apple\u00a0Watch") made single plain spaces.
func normSource(s string) string {
	return strings.Join(strings.Fields(strings.ReplaceAll(s, "\u00a0", " ")), " ")
}

// healthSport maps an HKWorkoutActivityType to a sport and sub-sport;
// types taper has no name for keep theirs in snake case ("elliptical",
// "rowing", "yoga").
func healthSport(t string) (string, string) {
	k := strings.TrimPrefix(t, "HKWorkoutActivityType")
	switch k {
	case "Running":
		return analysis.SportRunning, ""
	case "Walking":
		return analysis.SportWalking, ""
	case "Cycling", "HandCycling":
		return analysis.SportCycling, ""
	case "Hiking":
		return analysis.SportHiking, ""
	case "Swimming":
		return analysis.SportSwimming, ""
	case "TraditionalStrengthTraining", "FunctionalStrengthTraining", "CrossTraining", "HighIntensityIntervalTraining", "CoreTraining":
		return analysis.SportTraining, strings.TrimSuffix(camelToSnake(k), "_training")
	case "", "Other":
		return analysis.SportGeneric, ""
	}
	return camelToSnake(k), ""
}

// camelToSnake converts CamelCase to snake_case.
func camelToSnake(s string) string {
	var b strings.Builder
	for i, r := range s {
		if r >= 'A' && r <= 'Z' {
			if i > 0 {
				b.WriteByte('_')
			}
			r += 'a' - 'A'
		}
		b.WriteRune(r)
	}
	return b.String()
}

// healthRoutePath resolves a FileReference path ("/workout-routes/x.gpx")
// against the folder holding export.xml, with slashes.
func healthRoutePath(exportPath, ref string) string {
	return path.Join(path.Dir(exportPath), strings.TrimPrefix(path.Clean("/"+ref), "/"))
}
