package ingest

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/muktihari/fit/decoder"
	"github.com/muktihari/fit/profile/basetype"
	"github.com/muktihari/fit/profile/mesgdef"
	"github.com/muktihari/fit/profile/typedef"
	"github.com/muktihari/fit/profile/untyped/mesgnum"
	"github.com/muktihari/fit/proto"
	"github.com/taper-run/taper/analysis"
)

// fitSegment is one FIT file inside a (possibly chained) file.
type fitSegment struct {
	off, hdr, size int // offset in the file, header size, data size from the header
}

// fitCollector receives the messages of a FIT file from muktihari/fit's
// streaming decoder and keeps what taper needs. Messages of chained
// segments whose file_id says they are not activity files are ignored.
type fitCollector struct {
	// per segment
	segFileID bool // the current segment's file_id was seen
	ignore    bool // the current segment is not an activity file

	fileTypes   []typedef.File // type of each segment that had a file_id
	activitySeg bool           // some segment is an activity (or untyped) file
	device      string
	creator     string // product name from the creator's device_info, if any

	seg        int // index of the current segment
	sessions   []*mesgdef.Session
	sessionSeg []int // segment of each session
	laps       []*mesgdef.Lap
	lapSeg     []int
	steps      []analysis.WorkoutStep
	samples    []analysis.Sample
	segStart   []int // index in samples of each segment's first record
	noTime     int   // records without a valid timestamp (dropped)
	records    int   // record messages seen in activity segments
	sport      typedef.Sport
	subSport   typedef.SubSport
	offsets    map[int]int // activity local_timestamp - timestamp (s), by segment

	expect int // records of the current segment not yet given room in samples
	// The current segment is decoded without component expansion: OnMesg
	// expands the components taper reads (fitScan.ownExpansion).
	expand bool

	fixedBaseTypes int // base types read without their endian flag (see fitFixBaseTypes)
}

// OnMesg implements decoder.MesgListener. mesg is only valid during the call.
func (c *fitCollector) OnMesg(m proto.Message) {
	if m.Num == mesgnum.FileId {
		if c.segFileID {
			return
		}
		c.segFileID = true
		fid := mesgdef.NewFileId(&m)
		c.fileTypes = append(c.fileTypes, fid.Type)
		c.ignore = fid.Type != typedef.FileActivity && fid.Type != typedef.FileInvalid
		if !c.ignore {
			c.activitySeg = true
			if c.device == "" {
				c.device = deviceName(fid)
			}
		}
		return
	}
	if c.ignore {
		return
	}
	switch m.Num {
	case mesgnum.Record:
		c.records++
		c.addRecord(&m)
	case mesgnum.Session:
		c.sessions = append(c.sessions, mesgdef.NewSession(&m))
		c.sessionSeg = append(c.sessionSeg, c.seg)
	case mesgnum.Lap:
		c.laps = append(c.laps, c.lap(&m))
		c.lapSeg = append(c.lapSeg, c.seg)
	case mesgnum.Activity:
		act := mesgdef.NewActivity(&m)
		// Each segment of a chained file is a recording of its own, maybe
		// in another zone or on the other side of a DST change: its offset
		// applies to its own sessions only (all legs of a multisport one).
		if _, ok := c.offsets[c.seg]; !ok && !act.LocalTimestamp.IsZero() && !act.Timestamp.IsZero() {
			off := act.LocalTimestamp.Sub(act.Timestamp).Seconds()
			q := math.Round(off/900) * 900 // whole quarter hours
			if math.Abs(q) <= 14*3600 {
				if c.offsets == nil {
					c.offsets = map[int]int{}
				}
				c.offsets[c.seg] = int(q)
			}
		}
	case mesgnum.WorkoutStep:
		c.steps = append(c.steps, workoutStep(mesgdef.NewWorkoutStep(&m)))
	case mesgnum.Sport:
		s := mesgdef.NewSport(&m)
		if c.sport == typedef.SportInvalid {
			c.sport, c.subSport = s.Sport, s.SubSport
		}
	case mesgnum.DeviceInfo:
		di := mesgdef.NewDeviceInfo(&m)
		if c.creator == "" && di.DeviceIndex == typedef.DeviceIndexCreator && di.ProductName != "" {
			c.creator = strings.TrimSpace(di.ProductName)
		}
	}
}

// sampleSeg returns the segment sample i was recorded in.
func (c *fitCollector) sampleSeg(i int) int {
	return sort.Search(len(c.segStart), func(k int) bool { return c.segStart[k] > i }) - 1
}

// workoutStep converts a FIT workout_step.
func workoutStep(w *mesgdef.WorkoutStep) analysis.WorkoutStep {
	st := analysis.WorkoutStep{
		Index:      int(w.MessageIndex & typedef.MessageIndexMask),
		Name:       w.WktStepName,
		Duration:   math.NaN(),
		RepeatFrom: -1,
	}
	if w.Intensity != typedef.IntensityInvalid {
		st.Intensity = w.Intensity.String()
	}
	if w.DurationType != typedef.WktStepDurationInvalid {
		st.DurationType = w.DurationType.String()
	}
	valid := w.DurationValue != basetype.Uint32Invalid
	switch w.DurationType {
	case typedef.WktStepDurationTime, typedef.WktStepDurationRepetitionTime:
		if valid {
			st.Duration = float64(w.DurationValue) / 1000
		}
	case typedef.WktStepDurationDistance:
		if valid {
			st.Duration = float64(w.DurationValue) / 100
		}
	case typedef.WktStepDurationRepeatUntilStepsCmplt, typedef.WktStepDurationRepeatUntilTime,
		typedef.WktStepDurationRepeatUntilDistance, typedef.WktStepDurationRepeatUntilCalories,
		typedef.WktStepDurationRepeatUntilHrLessThan, typedef.WktStepDurationRepeatUntilHrGreaterThan,
		typedef.WktStepDurationRepeatUntilPowerLessThan, typedef.WktStepDurationRepeatUntilPowerGreaterThan:
		if valid {
			st.RepeatFrom = int(w.DurationValue)
		}
		if w.DurationType == typedef.WktStepDurationRepeatUntilStepsCmplt && w.TargetValue != basetype.Uint32Invalid {
			st.RepeatCount = int(w.TargetValue)
		}
	}
	return st
}

// deviceName is "manufacturer product", e.g. "garmin fr255", from the
// profile's names; numbers where the profile has no name.
func deviceName(f *mesgdef.FileId) string {
	if f.Manufacturer == typedef.ManufacturerInvalid {
		return strings.TrimSpace(f.ProductName)
	}
	man := f.Manufacturer.String()
	if strings.Contains(man, "Invalid(") {
		man = strconv.Itoa(int(f.Manufacturer))
	}
	prod := ""
	switch name, v := f.GetProduct(); {
	case f.ProductName != "":
		prod = strings.TrimSpace(f.ProductName)
	case name == "garmin_product":
		prod = v.(typedef.GarminProduct).String()
		if strings.Contains(prod, "Invalid(") {
			prod = strconv.Itoa(int(f.Product))
		}
	case f.Product != basetype.Uint16Invalid:
		prod = strconv.Itoa(int(f.Product))
	}
	return strings.TrimSpace(man + " " + prod)
}

// decodeFIT decodes a FIT file. Every session of every activity segment of
// a chained file, and every leg of a multisport file, becomes one activity
// (in the order of the session messages); records and laps go to the
// session whose time range holds them (the nearest session if none does).
// An activity file without session messages gives one activity built from
// its records.
func (d *Decoder) decodeFIT(name string, data []byte) Result {
	var (
		col      = &fitCollector{sport: typedef.SportInvalid, subSport: typedef.SubSportInvalid}
		partial  []segNote // what was lost, by segment
		warnings []string
		fatal    error // a problem that stopped decoding
		hint     string
	)
	segs := 0
	for off := 0; off < len(data); {
		if !isFIT(data[off:]) {
			if off == 0 {
				return Result{Status: StatusRejected, Err: &FileError{Path: name, Err: errors.New("not a FIT file")}}
			}
			warnings = append(warnings, fmt.Sprintf("ignored %s trailing bytes after the last FIT segment", commas(len(data)-off)))
			break
		}
		seg := fitSegment{off: off, hdr: int(data[off]), size: int(binary.LittleEndian.Uint32(data[off+4 : off+8]))}
		segs++
		col.segFileID, col.ignore, col.seg = false, false, segs-1
		col.segStart = append(col.segStart, len(col.samples))
		end := off + seg.hdr + seg.size + 2
		buf := data[off:min(end, len(data))]
		switch {
		case seg.size == 0:
			// The watch did not finish the file (it writes the size last),
			// or a chained segment is only a header. Decode what follows.
			rest := len(data) - off - seg.hdr
			if rest <= 2 {
				if segs == 1 {
					fatal = errors.New("FIT header says the file holds no data")
					hint = "the watch did not finish writing this file; copy it again after the watch has saved the activity"
				} else {
					warnings = append(warnings, fmt.Sprintf("chained FIT segment %d has a header but no data", segs))
				}
				end = len(data)
				break
			}
			buf = bytes.Clone(data[off:])
			binary.LittleEndian.PutUint32(buf[4:8], uint32(rest))
			before := col.records
			err := decodeSegment(buf, col)
			msg := fmt.Sprintf("FIT header data size is 0 (the file was not finished); decoded %d records", col.records-before)
			if err != nil {
				msg += fmt.Sprintf(" before %s at byte %s of %s", trimFITError(err), commas(off+bytePos(err, len(buf))), commas(len(data)))
			}
			partial = append(partial, segNote{segs - 1, msg})
			end = len(data)
		case end > len(data):
			before := col.records
			_ = decodeSegment(buf, col) // the error is the truncation, reported below
			msg := fmt.Sprintf("truncated after %s of %s bytes; %d records readable", commas(len(data)), commas(end), col.records-before)
			if segs > 1 {
				msg = fmt.Sprintf("FIT segment %d: %s", segs, msg)
			}
			partial = append(partial, segNote{segs - 1, msg})
		default:
			if err := decodeSegment(buf, col); err != nil {
				partial = append(partial, segNote{segs - 1, fmt.Sprintf("decoding stopped at byte %s of %s (%s); kept what was decoded before it",
					commas(off+bytePos(err, len(buf))), commas(end), trimFITError(err))})
			}
			if !col.ignore {
				if msg := checkCRC(data[off:end], seg); msg != "" {
					if segs > 1 || end < len(data) {
						msg = fmt.Sprintf("FIT segment %d: %s", segs, msg)
					}
					partial = append(partial, segNote{segs - 1, msg})
				}
			}
		}
		off = end
	}

	if !col.activitySeg && len(col.fileTypes) > 0 {
		return Result{Status: StatusSkipped, Kind: "fit:" + fitTypeName(col.fileTypes[0]), Warnings: warnings}
	}
	acts := d.fitActivities(col)
	if col.fixedBaseTypes > 0 {
		warnings = append(warnings, fmt.Sprintf("%d field definition(s) give a multi-byte base type without its endian flag; read as the FIT SDK reads them", col.fixedBaseTypes))
	}
	if col.noTime > 0 {
		warnings = append(warnings, fmt.Sprintf("dropped %d record(s) without a valid timestamp", col.noTime))
	}
	res := Result{Warnings: warnings}
	if len(acts) == 0 {
		switch {
		case fatal != nil:
			res.Status, res.Err = StatusRejected, &FileError{Path: name, Err: fatal, Advice: hint}
		case len(partial) > 0:
			res.Status = StatusRejected
			res.Err = &FileError{Path: name, Err: errors.New(joinNotes(partial, -1)),
				Advice: "the file is damaged; copy or export it again from the watch or platform"}
		default:
			res.Status, res.Kind = StatusSkipped, "fit:no-activity-data"
		}
		return res
	}
	res.Status, res.Activities = StatusImported, acts
	if len(partial) > 0 {
		res.Partial, res.PartialReason = true, joinNotes(partial, -1)
		for i, a := range acts {
			seg := -1 // an activity built from records: every note applies
			if len(col.sessionSeg) == len(acts) {
				seg = col.sessionSeg[i]
			}
			if r := joinNotes(partial, seg); r != "" {
				a.Partial, a.PartialReason = true, r
			}
		}
	}
	return res
}

// segNote is a problem found in one segment of a FIT file.
type segNote struct {
	seg int
	msg string
}

// joinNotes joins the notes of segment seg (all notes when seg < 0).
func joinNotes(notes []segNote, seg int) string {
	var out []string
	for _, n := range notes {
		if seg < 0 || n.seg == seg {
			out = append(out, n.msg)
		}
	}
	return strings.Join(out, "; ")
}

// bytePos extracts the "[byte pos: N]" muktihari/fit puts in its errors;
// def when absent.
func bytePos(err error, def int) int {
	s := err.Error()
	i := strings.LastIndex(s, "byte pos: ")
	if i < 0 {
		return def
	}
	s = s[i+len("byte pos: "):]
	j := 0
	for j < len(s) && s[j] >= '0' && s[j] <= '9' {
		j++
	}
	n, perr := strconv.Atoi(s[:j])
	if perr != nil {
		return def
	}
	return n
}

// decodeSegment decodes one FIT segment with muktihari/fit, passing every
// message to col. It returns the error
// that stopped decoding (nil when the segment decoded to its end). CRCs
// are not checked here (see checkCRC). Base types written without their
// endian flag are repaired first (fitFixBaseTypes). When the definitions
// allow, components are not expanded by the decoder (a quarter of its
// time on a record) but by OnMesg, for the few fields taper reads.
func decodeSegment(seg []byte, col *fitCollector) error {
	seg, fixed, scan := fitFixBaseTypes(seg)
	col.fixedBaseTypes += fixed
	col.expect = scan.records
	col.expand = scan.ownExpansion()
	return decodeFITMesgs(seg, col.expand, col)
}

// decodeFITMesgs decodes the segment seg with muktihari/fit, passing every
// message to l, without expanding components when noExpansion. It returns
// the error that stopped decoding.
func decodeFITMesgs(seg []byte, noExpansion bool, l decoder.MesgListener) error {
	opts := []decoder.Option{decoder.WithIgnoreChecksum(), decoder.WithBroadcastOnly(), decoder.WithMesgListener(l)}
	if noExpansion {
		opts = append(opts, decoder.WithNoComponentExpansion())
	}
	_, err := decoder.New(bytes.NewReader(seg), opts...).Decode()
	return err
}

// checkCRC verifies a complete segment's CRC-16: the header CRC of a
// 14-byte header (when not 0), and the file CRC over header and data.
// muktihari/fit v0.26.1 reports false mismatches on some valid older files,
// so taper checks it here. It returns "" when the CRCs match.
func checkCRC(seg []byte, s fitSegment) string {
	var msgs []string
	if s.hdr == 14 {
		want := binary.LittleEndian.Uint16(seg[12:14])
		if got := fitCRC(0, seg[:12]); want != 0 && got != want {
			msgs = append(msgs, fmt.Sprintf("bad header crc (file says %#04x, header gives %#04x)", want, got))
		}
	}
	n := s.hdr + s.size
	want := binary.LittleEndian.Uint16(seg[n : n+2])
	if got := fitCRC(0, seg[:n]); got != want {
		msgs = append(msgs, fmt.Sprintf("bad crc (file says %#04x, data gives %#04x): the file may be corrupted; values kept as decoded", want, got))
	}
	return strings.Join(msgs, "; ")
}

// crcTables are fitCRC's tables: crcTables[0][b] is the CRC of byte b,
// crcTables[k][b] that of byte b followed by k zero bytes.
var crcTables = func() (t [8][256]uint16) {
	for i := range t[0] {
		c := uint16(i)
		for range 8 {
			if c&1 != 0 {
				c = c>>1 ^ 0xA001
			} else {
				c >>= 1
			}
		}
		t[0][i] = c
	}
	for k := 1; k < len(t); k++ {
		for i := range t[k] {
			c := t[k-1][i]
			t[k][i] = c>>8 ^ t[0][byte(c)]
		}
	}
	return t
}()

// fitCRC continues the FIT CRC crc over b. The FIT CRC is CRC-16/ARC:
// polynomial 0x8005 (0xA001 reflected), initial value 0, no final xor.
// It takes eight bytes a step (slicing-by-8: the CRC of each byte shifted
// past the bytes after it, from crcTables), about four times as fast as a
// byte at a time.
func fitCRC(crc uint16, b []byte) uint16 {
	t := &crcTables
	for ; len(b) >= 8; b = b[8:] {
		crc ^= uint16(b[0]) | uint16(b[1])<<8
		crc = t[7][byte(crc)] ^ t[6][crc>>8] ^ t[5][b[2]] ^ t[4][b[3]] ^
			t[3][b[4]] ^ t[2][b[5]] ^ t[1][b[6]] ^ t[0][b[7]]
	}
	for _, x := range b {
		crc = crc>>8 ^ t[0][byte(crc)^x]
	}
	return crc
}

// trimFITError shortens muktihari/fit's error text for messages.
func trimFITError(err error) string {
	if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
		return "unexpected end of data"
	}
	return err.Error()
}

// fitTypeName is the profile name of a FIT file type ("monitoring_b").
func fitTypeName(t typedef.File) string {
	s := t.String()
	if strings.Contains(s, "Invalid(") {
		return "type" + strconv.Itoa(int(t))
	}
	return s
}

// fitActivities builds the activities of a decoded FIT file.
func (d *Decoder) fitActivities(col *fitCollector) []*analysis.Activity {
	if len(col.sessions) == 0 && len(col.samples) == 0 {
		return nil
	}
	type span struct{ start, end time.Time }
	var acts []*analysis.Activity
	var spans []span
	for _, s := range col.sessions {
		a := newActivity()
		a.Sport, a.SubSport = sportNames(s.Sport, s.SubSport)
		a.Start = s.StartTime.UTC()
		a.ElapsedTime = nan(s.TotalElapsedTimeScaled())
		a.MovingTime = nan(s.TotalTimerTimeScaled())
		a.Distance = nan(s.TotalDistanceScaled())
		if s.TotalAscent != basetype.Uint16Invalid {
			a.Ascent = float64(s.TotalAscent)
		}
		if s.AvgHeartRate != basetype.Uint8Invalid && s.AvgHeartRate != 0 {
			a.AvgHR = float64(s.AvgHeartRate)
		}
		if s.MaxHeartRate != basetype.Uint8Invalid && s.MaxHeartRate != 0 {
			a.MaxHR = float64(s.MaxHeartRate)
		}
		if s.AvgCadence != basetype.Uint8Invalid {
			a.AvgCadence = float64(s.AvgCadence)
		}
		if s.TotalCalories != basetype.Uint16Invalid {
			a.Calories = float64(s.TotalCalories)
		}
		end := s.Timestamp.UTC()
		if analysis.Has(a.ElapsedTime) && !a.Start.IsZero() {
			if e := a.Start.Add(time.Duration(a.ElapsedTime * float64(time.Second))); e.After(end) {
				end = e
			}
		}
		acts = append(acts, a)
		spans = append(spans, span{a.Start, end})
	}
	fromSession := len(acts) > 0
	if !fromSession {
		a := newActivity()
		a.Sport, a.SubSport = sportNames(col.sport, col.subSport)
		first, last := col.samples[0].Time, col.samples[0].Time
		for _, s := range col.samples {
			if s.Time.Before(first) {
				first = s.Time
			}
			if s.Time.After(last) {
				last = s.Time
			}
		}
		a.Start = first
		acts = append(acts, a)
		spans = append(spans, span{first, last})
	}

	// Records and laps go to a session of their own segment (a chained
	// file's segments are separate files) when it has sessions, else to
	// any session; within those, to the one whose time range holds them.
	all := make([]int, len(spans))
	for i := range all {
		all[i] = i
	}
	bySeg := map[int][]int{}
	for i, sg := range col.sessionSeg {
		bySeg[sg] = append(bySeg[sg], i)
	}
	byStart := func(order []int) {
		sort.SliceStable(order, func(i, j int) bool { return spans[order[i]].start.Before(spans[order[j]].start) })
	}
	byStart(all)
	for _, o := range bySeg {
		byStart(o)
	}
	owner := func(seg int, t time.Time) int {
		order := all
		if o := bySeg[seg]; len(o) > 0 {
			order = o
		}
		return holder(order, func(i int) (time.Time, time.Time) { return spans[i].start, spans[i].end }, t)
	}
	if len(acts) == 1 {
		acts[0].Samples = col.samples // all of them: no copy
	} else {
		for i, s := range col.samples {
			k := owner(col.sampleSeg(i), s.Time)
			acts[k].Samples = append(acts[k].Samples, s)
		}
	}
	for i, l := range col.laps {
		lap := fitLap(l)
		t := lap.Start
		if t.IsZero() {
			t = l.Timestamp
		}
		k := owner(col.lapSeg[i], t)
		acts[k].Laps = append(acts[k].Laps, lap)
	}
	// The segment each activity was recorded in, for its UTC offset: a
	// session's own; for an activity built from records, that of its
	// earliest record.
	actSeg := make([]int, len(acts))
	if fromSession {
		copy(actSeg, col.sessionSeg)
	} else {
		first := col.samples[0].Time
		for i, s := range col.samples {
			if s.Time.Before(first) || i == 0 {
				first, actSeg[0] = s.Time, col.sampleSeg(i)
			}
		}
	}
	for i, a := range acts {
		sortSamples(a.Samples)
		sort.SliceStable(a.Laps, func(i, j int) bool { return a.Laps[i].Start.Before(a.Laps[j].Start) })
		if a.Start.IsZero() && len(a.Samples) > 0 {
			a.Start = a.Samples[0].Time
		}
		fillTotals(a, fromSession)
		if a.Sport == "" {
			inferSport(a)
		}
		if len(col.steps) > 0 {
			a.Workout = append([]analysis.WorkoutStep(nil), col.steps...)
		}
		a.Device = col.device
		if col.creator != "" && (a.Device == "" || strings.HasSuffix(a.Device, " 0")) {
			a.Device = strings.TrimSpace(strings.TrimSuffix(a.Device, " 0") + " " + col.creator)
		}
		if off, ok := col.offsets[actSeg[i]]; ok {
			a.UTCOffset, a.TimeSource = off, analysis.TZFromFIT
		} else {
			d.setZone(a)
		}
	}
	return acts
}

// holder returns the element of order (sorted by start) whose range holds
// t: the last one starting at or before t, or the next one when t is
// nearer its start than the previous range's end.
func holder(order []int, rng func(int) (time.Time, time.Time), t time.Time) int {
	k := sort.Search(len(order), func(i int) bool { s, _ := rng(order[i]); return s.After(t) }) - 1
	if k < 0 {
		return order[0]
	}
	_, end := rng(order[k])
	if k+1 < len(order) && t.After(end) {
		next, _ := rng(order[k+1])
		if next.Sub(t) < t.Sub(end) {
			return order[k+1]
		}
	}
	return order[k]
}

// fitLap converts a FIT lap.
func fitLap(l *mesgdef.Lap) analysis.Lap {
	lap := analysis.Lap{
		Start:       l.StartTime.UTC(),
		ElapsedTime: nan(l.TotalElapsedTimeScaled()),
		MovingTime:  nan(l.TotalTimerTimeScaled()),
		Distance:    nan(l.TotalDistanceScaled()),
		AvgHR:       math.NaN(),
		MaxHR:       math.NaN(),
		AvgSpeed:    nan(l.EnhancedAvgSpeedScaled()),
	}
	if !analysis.Has(lap.AvgSpeed) {
		lap.AvgSpeed = nan(l.AvgSpeedScaled())
	}
	if l.Intensity != typedef.IntensityInvalid {
		lap.Intensity = l.Intensity.String()
	}
	if l.LapTrigger != typedef.LapTriggerInvalid {
		lap.Trigger = l.LapTrigger.String()
	}
	if l.AvgHeartRate != basetype.Uint8Invalid && l.AvgHeartRate != 0 {
		lap.AvgHR = float64(l.AvgHeartRate)
	}
	if l.MaxHeartRate != basetype.Uint8Invalid && l.MaxHeartRate != 0 {
		lap.MaxHR = float64(l.MaxHeartRate)
	}
	return lap
}

// sportNames returns the profile names of a FIT sport and sub-sport:
// "" for invalid values and for the generic sub-sport.
func sportNames(s typedef.Sport, sub typedef.SubSport) (string, string) {
	sport, subSport := "", ""
	if s != typedef.SportInvalid {
		sport = s.String()
		if strings.Contains(sport, "Invalid(") {
			sport = "sport" + strconv.Itoa(int(s))
		}
	}
	if sub != typedef.SubSportInvalid && sub != typedef.SubSportGeneric {
		subSport = sub.String()
		if strings.Contains(subSport, "Invalid(") {
			subSport = "sub_sport" + strconv.Itoa(int(sub))
		}
	}
	return sport, subSport
}

// commas formats n with thousands separators: 40960 -> "40,960".
func commas(n int) string {
	s := strconv.Itoa(n)
	if n < 0 {
		return "-" + commas(-n)
	}
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
