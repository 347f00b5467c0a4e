package ingest

import (
	"bytes"
	"testing"
	"time"

	"github.com/muktihari/fit/encoder"
	"github.com/muktihari/fit/profile/mesgdef"
	"github.com/muktihari/fit/profile/typedef"
	"github.com/muktihari/fit/proto"
)

// genRun describes a synthetic FIT activity for tests and benchmarks (the
// synth package is written separately; this is a small stand-in).
type genRun struct {
	Start      time.Time
	Seconds    int           // 1 Hz records
	Speed      float64       // m/s, northwards
	Local      time.Duration // local_timestamp - timestamp; 0 = no activity message
	Sport      typedef.Sport
	SubSport   typedef.SubSport
	Laps       int          // equal laps alternating active/rest intensity
	Workout    bool         // add workout_step messages (3 steps, the 2nd repeated)
	NoSession  bool         // leave the session message out
	Compressed bool         // compressed-timestamp record headers
	NoGPS      bool         // records without positions
	FileType   typedef.File // 0 = activity
}

// genFIT encodes r with muktihari/fit's encoder.
func genFIT(tb testing.TB, r genRun) []byte {
	tb.Helper()
	if r.Speed == 0 {
		r.Speed = 3
	}
	if r.Sport == 0 && r.SubSport == 0 {
		r.Sport, r.SubSport = typedef.SportRunning, typedef.SubSportRoad
	}
	var msgs []proto.Message
	if r.FileType == 0 {
		r.FileType = typedef.FileActivity
	}
	msgs = append(msgs, mesgdef.NewFileId(nil).SetType(r.FileType).SetManufacturer(typedef.ManufacturerGarmin).
		SetProduct(uint16(typedef.GarminProductFr255)).SetTimeCreated(r.Start).ToMesg(nil))
	if r.Workout {
		msgs = append(msgs,
			mesgdef.NewWorkoutStep(nil).SetMessageIndex(0).SetWktStepName("warm up").SetIntensity(typedef.IntensityWarmup).
				SetDurationType(typedef.WktStepDurationTime).SetDurationValue(600000).ToMesg(nil),
			mesgdef.NewWorkoutStep(nil).SetMessageIndex(1).SetIntensity(typedef.IntensityActive).
				SetDurationType(typedef.WktStepDurationDistance).SetDurationValue(80000).ToMesg(nil),
			mesgdef.NewWorkoutStep(nil).SetMessageIndex(2).SetDurationType(typedef.WktStepDurationRepeatUntilStepsCmplt).
				SetDurationValue(1).SetTargetValue(6).ToMesg(nil),
		)
	}
	const degPerM = 1 / 111194.93
	rec := mesgdef.NewRecord(nil)
	for i := 0; i <= r.Seconds; i++ {
		rec.SetTimestamp(r.Start.Add(time.Duration(i) * time.Second)).
			SetPositionLatDegrees(48.2 + float64(i)*r.Speed*degPerM).SetPositionLongDegrees(16.37).
			SetDistanceScaled(float64(i) * r.Speed).SetEnhancedSpeedScaled(r.Speed).
			SetEnhancedAltitudeScaled(200 + float64(i%600)/10).SetHeartRate(uint8(120 + i%40)).SetCadence(85).SetPower(250)
		if r.NoGPS {
			rec.SetPositionLat(0x7FFFFFFF).SetPositionLong(0x7FFFFFFF)
		}
		msgs = append(msgs, rec.ToMesg(nil))
	}
	if r.Laps > 0 {
		per := r.Seconds / r.Laps
		for k := 0; k < r.Laps; k++ {
			in := typedef.IntensityActive
			if k%2 == 1 {
				in = typedef.IntensityRest
			}
			st := r.Start.Add(time.Duration(k*per) * time.Second)
			msgs = append(msgs, mesgdef.NewLap(nil).SetStartTime(st).SetTimestamp(st.Add(time.Duration(per)*time.Second)).
				SetTotalElapsedTimeScaled(float64(per)).SetTotalTimerTimeScaled(float64(per)).
				SetTotalDistanceScaled(float64(per)*r.Speed).SetIntensity(in).SetLapTrigger(typedef.LapTriggerManual).
				SetAvgHeartRate(140).SetMaxHeartRate(159).SetEnhancedAvgSpeedScaled(r.Speed).ToMesg(nil))
		}
	}
	end := r.Start.Add(time.Duration(r.Seconds) * time.Second)
	if !r.NoSession {
		msgs = append(msgs, mesgdef.NewSession(nil).SetTimestamp(end).SetStartTime(r.Start).SetSport(r.Sport).SetSubSport(r.SubSport).
			SetTotalElapsedTimeScaled(float64(r.Seconds)).SetTotalTimerTimeScaled(float64(r.Seconds)).
			SetTotalDistanceScaled(float64(r.Seconds)*r.Speed).SetTotalAscent(60).SetAvgHeartRate(139).SetMaxHeartRate(159).
			SetAvgCadence(85).SetTotalCalories(700).ToMesg(nil))
	}
	if r.Local != 0 {
		msgs = append(msgs, mesgdef.NewActivity(nil).SetTimestamp(end).SetLocalTimestamp(end.Add(r.Local)).SetNumSessions(1).ToMesg(nil))
	}
	var buf bytes.Buffer
	var opts []encoder.Option
	if r.Compressed {
		opts = append(opts, encoder.WithHeaderOption(encoder.HeaderOptionCompressedTimestamp, 3))
	}
	if err := encoder.New(&buf, opts...).Encode(&proto.FIT{Messages: msgs}); err != nil {
		tb.Fatalf("encode fit: %v", err)
	}
	return buf.Bytes()
}
