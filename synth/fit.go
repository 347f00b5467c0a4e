package synth

import (
	"fmt"
	"io"
	"math"
	"time"

	"github.com/muktihari/fit/kit/datetime"
	"github.com/muktihari/fit/kit/semicircles"
	"github.com/muktihari/fit/profile/factory"
	"github.com/muktihari/fit/profile/mesgdef"
	"github.com/muktihari/fit/profile/typedef"
	"github.com/muktihari/fit/profile/untyped/fieldnum"
	"github.com/muktihari/fit/profile/untyped/mesgnum"
	"github.com/muktihari/fit/proto"

	"github.com/taper-run/taper/analysis"
)

// deviceSerial derives a stable watch serial number from the activity.
func deviceSerial(a *analysis.Activity) uint32 {
	h := uint32(2166136261)
	for _, c := range []byte(a.Athlete) {
		h = (h ^ uint32(c)) * 16777619
	}
	return 3300000000 + h%600000000
}

// WriteFIT writes a as a FIT activity file as a Garmin Forerunner writes it:
// file_id (type activity), device_info, workout and workout_step messages when
// a.Workout is set, timer events, one record per sample, laps, the session
// and the activity message with local_timestamp, and a valid CRC.
func WriteFIT(w io.Writer, a *analysis.Activity) error {
	if len(a.Samples) == 0 {
		return fmt.Errorf("write fit: activity %s has no samples: generate it with Workout", a.ID)
	}
	if err := encodeFIT(w, fitMessages(a), 24*len(a.Samples)+8<<10); err != nil {
		return fmt.Errorf("write fit: encode activity %s: %w", a.ID, err)
	}
	return nil
}

func u8(v float64) uint8 {
	if !analysis.Has(v) {
		return math.MaxUint8
	}
	return uint8(math.Round(math.Max(0, math.Min(254, v))))
}

func u32(v float64) uint32 {
	if !analysis.Has(v) {
		return math.MaxUint32
	}
	return uint32(math.Round(math.Max(0, math.Min(math.MaxUint32-1, v))))
}

func u16(v float64) uint16 {
	if !analysis.Has(v) {
		return math.MaxUint16
	}
	return uint16(math.Round(math.Max(0, math.Min(65534, v))))
}

func fitSport(sport string) typedef.Sport {
	if s := typedef.SportFromString(sport); s != typedef.SportInvalid {
		return s
	}
	return typedef.SportGeneric
}

func fitSubSport(sub string) typedef.SubSport {
	if sub == "" {
		return typedef.SubSportGeneric
	}
	if s := typedef.SubSportFromString(sub); s != typedef.SubSportInvalid {
		return s
	}
	return typedef.SubSportGeneric
}

// fitMessages builds the messages of a's file in the order a watch writes them.
func fitMessages(a *analysis.Activity) []proto.Message {
	n := len(a.Samples)
	first, last := a.Samples[0], a.Samples[n-1]
	end := last.Time
	serial := deviceSerial(a)
	sport, sub := fitSport(a.Sport), fitSubSport(a.SubSport)
	msgs := make([]proto.Message, 0, n+len(a.Laps)+len(a.Workout)+16)

	msgs = append(msgs, mesgdef.NewFileId(nil).
		SetType(typedef.FileActivity).
		SetManufacturer(typedef.ManufacturerGarmin).
		SetProduct(uint16(typedef.GarminProductFr255)).
		SetSerialNumber(serial).
		SetTimeCreated(a.Start).ToMesg(nil))
	msgs = append(msgs, mesgdef.NewDeviceInfo(nil).
		SetTimestamp(a.Start).
		SetDeviceIndex(typedef.DeviceIndexCreator).
		SetManufacturer(typedef.ManufacturerGarmin).
		SetProduct(uint16(typedef.GarminProductFr255)).
		SetSerialNumber(serial).
		SetSoftwareVersion(2026).ToMesg(nil))
	if len(a.Workout) > 0 {
		msgs = append(msgs, mesgdef.NewWorkout(nil).
			SetWktName(workoutName(a)).
			SetSport(sport).
			SetSubSport(sub).
			SetNumValidSteps(uint16(len(a.Workout))).ToMesg(nil))
		for _, st := range a.Workout {
			ws := mesgdef.NewWorkoutStep(nil).
				SetMessageIndex(typedef.MessageIndex(st.Index)).
				SetWktStepName(st.Name).
				SetDurationType(typedef.WktStepDurationFromString(st.DurationType)).
				SetIntensity(typedef.IntensityFromString(st.Intensity)).
				SetTargetType(typedef.WktStepTargetOpen)
			switch st.DurationType {
			case "time":
				ws.SetDurationValue(uint32(math.Round(st.Duration * 1000)))
			case "distance":
				ws.SetDurationValue(uint32(math.Round(st.Duration * 100)))
			case "repeat_until_steps_cmplt":
				ws.SetDurationValue(uint32(st.RepeatFrom)).SetTargetValue(uint32(st.RepeatCount))
			}
			msgs = append(msgs, ws.ToMesg(nil))
		}
	}
	timerEvent := func(t time.Time, et typedef.EventType) proto.Message {
		return mesgdef.NewEvent(nil).SetTimestamp(t).SetEvent(typedef.EventTimer).
			SetEventType(et).SetData(0).ToMesg(nil)
	}
	msgs = append(msgs, timerEvent(first.Time, typedef.EventTypeStart))

	recFields := make([]proto.Field, 0, 9*n)
	ft := newRecordFields()
	lapIdx := 0
	lapEnd := func(li int) time.Time {
		if li+1 < len(a.Laps) {
			return a.Laps[li+1].Start
		}
		return end
	}
	for i, s := range a.Samples {
		if i > 0 {
			if gap := s.Time.Sub(a.Samples[i-1].Time); gap > time.Second {
				msgs = append(msgs, timerEvent(a.Samples[i-1].Time, typedef.EventTypeStopAll))
				msgs = append(msgs, timerEvent(s.Time, typedef.EventTypeStart))
			}
		}
		// a lap message follows the record that ends it
		for lapIdx < len(a.Laps)-1 && !s.Time.Before(lapEnd(lapIdx)) {
			msgs = append(msgs, lapMessage(a, lapIdx, lapEnd(lapIdx), sport, sub))
			lapIdx++
		}
		// records share one backing array of fields (one allocation per file);
		// fields in profile order, as mesgdef.Record.ToMesg writes them
		start := len(recFields)
		recFields = append(recFields, fv(ft.ts, proto.Uint32(datetime.ToUint32(s.Time))))
		if analysis.Has(s.Lat) && analysis.Has(s.Lon) {
			recFields = append(recFields,
				fv(ft.lat, proto.Int32(semicircles.ToSemicircles(s.Lat))),
				fv(ft.lon, proto.Int32(semicircles.ToSemicircles(s.Lon))))
		}
		if analysis.Has(s.Altitude) {
			recFields = append(recFields, fv(ft.alt, proto.Uint16(u16((s.Altitude+500)*5))))
		}
		if analysis.Has(s.HeartRate) {
			recFields = append(recFields, fv(ft.hr, proto.Uint8(u8(s.HeartRate))))
		}
		if analysis.Has(s.Cadence) {
			recFields = append(recFields, fv(ft.cad, proto.Uint8(u8(s.Cadence))))
		}
		if analysis.Has(s.Distance) {
			recFields = append(recFields, fv(ft.dist, proto.Uint32(u32(s.Distance*100))))
		}
		if analysis.Has(s.Speed) {
			recFields = append(recFields, fv(ft.speed, proto.Uint16(u16(s.Speed*1000))))
		}
		if analysis.Has(s.Power) {
			recFields = append(recFields, fv(ft.power, proto.Uint16(u16(s.Power))))
		}
		msgs = append(msgs, proto.Message{Num: mesgnum.Record, Fields: recFields[start:len(recFields):len(recFields)]})
		// a lap ending exactly here (the sample belongs to both laps)
		for lapIdx < len(a.Laps)-1 && s.Time.Equal(lapEnd(lapIdx)) {
			msgs = append(msgs, lapMessage(a, lapIdx, lapEnd(lapIdx), sport, sub))
			lapIdx++
		}
	}
	msgs = append(msgs, timerEvent(end, typedef.EventTypeStopAll))
	for ; lapIdx < len(a.Laps); lapIdx++ {
		msgs = append(msgs, lapMessage(a, lapIdx, lapEnd(lapIdx), sport, sub))
	}

	ses := mesgdef.NewSession(nil).
		SetMessageIndex(0).
		SetTimestamp(end).
		SetStartTime(a.Start).
		SetEvent(typedef.EventSession).
		SetEventType(typedef.EventTypeStop).
		SetTrigger(typedef.SessionTriggerActivityEnd).
		SetSport(sport).
		SetSubSport(sub).
		SetTotalElapsedTime(u32(a.ElapsedTime * 1000)).
		SetTotalTimerTime(u32(a.MovingTime * 1000)).
		SetTotalDistance(u32(a.Distance * 100)).
		SetTotalCalories(u16(a.Calories)).
		SetFirstLapIndex(0).
		SetNumLaps(uint16(len(a.Laps)))
	if analysis.Has(first.Lat) {
		ses.SetStartPositionLatDegrees(first.Lat).SetStartPositionLongDegrees(first.Lon)
	}
	if analysis.Has(a.AvgHR) {
		ses.SetAvgHeartRate(u8(a.AvgHR)).SetMaxHeartRate(u8(a.MaxHR))
	}
	if analysis.Has(a.AvgCadence) {
		ses.SetAvgCadence(u8(a.AvgCadence))
	}
	if analysis.Has(a.Ascent) && analysis.Has(first.Altitude) {
		ses.SetTotalAscent(u16(a.Ascent))
	}
	if a.MovingTime > 0 && a.Distance > 0 {
		ses.SetAvgSpeed(u16(a.Distance / a.MovingTime * 1000))
		maxV := 0.0
		for _, s := range a.Samples {
			if analysis.Has(s.Speed) && s.Speed > maxV {
				maxV = s.Speed
			}
		}
		ses.SetMaxSpeed(u16(maxV * 1000))
	}
	msgs = append(msgs, ses.ToMesg(nil))

	local := end.Add(time.Duration(a.UTCOffset) * time.Second)
	msgs = append(msgs, mesgdef.NewActivity(nil).
		SetTimestamp(end).
		SetTotalTimerTime(u32(a.MovingTime*1000)).
		SetNumSessions(1).
		SetType(typedef.ActivityManual).
		SetEvent(typedef.EventActivity).
		SetEventType(typedef.EventTypeStop).
		SetLocalTimestamp(local).ToMesg(nil))
	return msgs
}

func lapMessage(a *analysis.Activity, li int, end time.Time, sport typedef.Sport, sub typedef.SubSport) proto.Message {
	l := a.Laps[li]
	m := mesgdef.NewLap(nil).
		SetMessageIndex(typedef.MessageIndex(li)).
		SetTimestamp(end).
		SetStartTime(l.Start).
		SetEvent(typedef.EventLap).
		SetEventType(typedef.EventTypeStop).
		SetSport(sport).
		SetSubSport(sub).
		SetTotalElapsedTime(u32(l.ElapsedTime * 1000)).
		SetTotalTimerTime(u32(l.MovingTime * 1000)).
		SetTotalDistance(u32(l.Distance * 100))
	if analysis.Has(l.AvgSpeed) {
		m.SetAvgSpeed(u16(l.AvgSpeed * 1000))
	}
	if analysis.Has(l.AvgHR) {
		m.SetAvgHeartRate(u8(l.AvgHR)).SetMaxHeartRate(u8(l.MaxHR))
	}
	if l.Intensity != "" {
		m.SetIntensity(typedef.IntensityFromString(l.Intensity))
	}
	if l.Trigger != "" {
		m.SetLapTrigger(typedef.LapTriggerFromString(l.Trigger))
	}
	return m.ToMesg(nil)
}

func workoutName(a *analysis.Activity) string {
	for _, st := range a.Workout {
		if st.RepeatCount > 0 && st.RepeatFrom >= 0 && st.RepeatFrom < len(a.Workout) {
			return fmt.Sprintf("%d x %s", st.RepeatCount, a.Workout[st.RepeatFrom].Name)
		}
	}
	for _, st := range a.Workout {
		if st.Intensity == "active" {
			return st.Name
		}
	}
	return "Workout"
}

// recordFields are the record field templates (created once per file).
type recordFields struct {
	ts, lat, lon, alt, hr, cad, dist, speed, power proto.Field
}

func newRecordFields() *recordFields {
	f := func(num byte) proto.Field { return factory.CreateField(mesgnum.Record, num) }
	return &recordFields{
		ts: f(fieldnum.RecordTimestamp), lat: f(fieldnum.RecordPositionLat), lon: f(fieldnum.RecordPositionLong),
		alt: f(fieldnum.RecordAltitude), hr: f(fieldnum.RecordHeartRate), cad: f(fieldnum.RecordCadence),
		dist: f(fieldnum.RecordDistance), speed: f(fieldnum.RecordSpeed), power: f(fieldnum.RecordPower),
	}
}

// fv returns a copy of the template field with value v.
func fv(f proto.Field, v proto.Value) proto.Field {
	f.Value = v
	return f
}
