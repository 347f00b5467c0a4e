package synth

import (
	"archive/zip"
	"bufio"
	"fmt"
	"io"
	"math"
	"strings"
	"time"

	"github.com/taper-run/taper/analysis"
)

// AppleOptions shape an Apple Health export.
type AppleOptions struct {
	// ExportZone is the phone's zone when the export was made: every date in
	// export.xml is written with its offset, which differs from the
	// workouts' own zone (their HKTimeZone metadata). nil = UTC-7 (a phone
	// exported in California).
	ExportZone *time.Location
	// Exported is the export's date; zero = a day after the last activity.
	Exported time.Time
}

// healthDate is an export.xml date in zone z: "2019-07-19 10:36:11 -0700".
func healthDate(t time.Time, z *time.Location) string {
	return t.In(z).Format("2006-01-02 15:04:05 -0700")
}

// healthCompact is the compact date of older (iOS 8) exports: "20151107171924+0100".
func healthCompact(t time.Time, z *time.Location) string {
	return t.In(z).Format("20060102150405-0700")
}

// healthType is a sport's HKWorkoutActivityType.
func healthType(sport string) string {
	switch sport {
	case analysis.SportRunning:
		return "HKWorkoutActivityTypeRunning"
	case analysis.SportCycling:
		return "HKWorkoutActivityTypeCycling"
	case analysis.SportWalking:
		return "HKWorkoutActivityTypeWalking"
	case analysis.SportSwimming:
		return "HKWorkoutActivityTypeSwimming"
	case analysis.SportTraining:
		return "HKWorkoutActivityTypeTraditionalStrengthTraining"
	}
	return "HKWorkoutActivityTypeOther"
}

// WriteAppleExport writes an Apple Health export as the phone writes it:
// export.zip holding apple_health_export/export.xml and
// apple_health_export/workout-routes/route_*.gpx. export.xml holds, as a
// real one does, the records first and the workouts after them:
//
//   - heart-rate records of the watch every 5 s during each activity (and
//     a few resting ones between them), walking/running distance records
//     of the watch per minute of each run or walk, and the same distances
//     again from the phone (Health keeps both; taper must not add them);
//   - one Workout per activity: the first of every three in the old style
//     (duration, totalDistance in km, totalEnergyBurned as attributes,
//     compact dates), the others with WorkoutStatistics; each with its
//     HKTimeZone metadata (the activity's zone) while every date is written
//     in opts.ExportZone; runs without positions are marked
//     HKIndoorWorkout; routes are inline Location elements for every
//     fourth activity with positions and a FileReference to
//     workout-routes/ for the others.
//
// It streams: memory does not grow with the number of activities.
func WriteAppleExport(w io.Writer, acts []*analysis.Activity, opts AppleOptions) error {
	z := opts.ExportZone
	if z == nil {
		z = time.FixedZone("PDT", -7*3600)
	}
	exported := opts.Exported
	if exported.IsZero() {
		exported = zipTime(acts).Add(24 * time.Hour)
	}
	zw := zip.NewWriter(w)
	routeName := func(a *analysis.Activity, i int) string {
		return fmt.Sprintf("route_%s_%d.gpx", a.LocalStart().Format("2006-01-02_3.04pm"), i)
	}
	if err := writeEntry(zw, "apple_health_export/export.xml", exported, func(w io.Writer) error {
		return writeHealthXML(w, acts, z, exported, routeName)
	}); err != nil {
		return err
	}
	if err := writeEntry(zw, "apple_health_export/export_cda.xml", exported, func(w io.Writer) error {
		_, err := io.WriteString(w, `<?xml version="1.0" encoding="UTF-8"?>`+"\n"+`<ClinicalDocument xmlns="urn:hl7-org:v3"></ClinicalDocument>`+"\n")
		return err
	}); err != nil {
		return err
	}
	for i, a := range acts {
		if !hasPositions(a) || i%4 == 0 {
			continue
		}
		if err := writeEntry(zw, "apple_health_export/workout-routes/"+routeName(a, i), exported, func(w io.Writer) error {
			return writeHealthRoute(w, a)
		}); err != nil {
			return err
		}
	}
	if err := zw.Close(); err != nil {
		return fmt.Errorf("close apple health export: %w", err)
	}
	return nil
}

// writeHealthXML writes export.xml.
func writeHealthXML(w io.Writer, acts []*analysis.Activity, z *time.Location, exported time.Time, routeName func(*analysis.Activity, int) string) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	fmt.Fprintf(bw, `<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE HealthData [
<!ELEMENT HealthData (ExportDate,Me,(Record|Correlation|Workout|ActivitySummary)*)>
]>
<HealthData locale="en_US">
 <ExportDate value="%s"/>
 <Me HKCharacteristicTypeIdentifierDateOfBirth="1990-02-02" HKCharacteristicTypeIdentifierBiologicalSex="HKBiologicalSexFemale"/>
`, healthDate(exported, z))
	const watch = "Apple\u00a0Watch"
	dev := `&lt;&lt;HKDevice: 0x2829&gt;, name:Apple Watch, manufacturer:Apple Inc., model:Watch, hardware:Watch6,2, software:10.1&gt;`
	record := func(typ, source, unit string, from, to time.Time, v float64) {
		d := ""
		if source == watch {
			d = ` device="` + dev + `"`
		}
		fmt.Fprintf(bw, ` <Record type="%s" sourceName="%s" sourceVersion="10.1"%s unit="%s" creationDate="%s" startDate="%s" endDate="%s" value="%s"/>`+"\n",
			typ, source, d, unit, healthDate(to.Add(time.Minute), z), healthDate(from, z), healthDate(to, z), trimFloat(v))
	}
	// Records, in the order Health writes them: by type, then by date.
	for _, a := range acts {
		record("HKQuantityTypeIdentifierHeartRate", watch, "count/min", a.Start.Add(-3*time.Hour), a.Start.Add(-3*time.Hour), 52)
		for i := 0; i < len(a.Samples); i += 5 {
			s := a.Samples[i]
			if analysis.Has(s.HeartRate) {
				record("HKQuantityTypeIdentifierHeartRate", watch, "count/min", s.Time, s.Time, math.Round(s.HeartRate))
			}
		}
	}
	for _, source := range []string{watch, "Léa’s iPhone"} {
		for _, a := range acts {
			if a.Sport != analysis.SportRunning && a.Sport != analysis.SportWalking {
				continue
			}
			prev := 0
			for i := 60; ; i += 60 {
				last := i >= len(a.Samples)-1
				if last {
					i = len(a.Samples) - 1
				}
				if i <= prev {
					break
				}
				p, q := a.Samples[prev], a.Samples[i]
				if analysis.Has(p.Distance) && analysis.Has(q.Distance) && q.Distance > p.Distance {
					record("HKQuantityTypeIdentifierDistanceWalkingRunning", source, "km", p.Time, q.Time, (q.Distance-p.Distance)/1000)
				}
				prev = i
				if last {
					break
				}
			}
		}
	}
	for i, a := range acts {
		end := a.Start.Add(time.Duration(a.ElapsedTime * float64(time.Second)))
		old := i%3 == 0
		fmt.Fprintf(bw, ` <Workout workoutActivityType="%s" duration="%s" durationUnit="min"`, healthType(a.Sport), trimFloat(a.MovingTime/60))
		if old && analysis.Has(a.Distance) {
			fmt.Fprintf(bw, ` totalDistance="%s" totalDistanceUnit="km"`, trimFloat(a.Distance/1000))
		}
		if old && analysis.Has(a.Calories) {
			fmt.Fprintf(bw, ` totalEnergyBurned="%s" totalEnergyBurnedUnit="kcal"`, trimFloat(a.Calories))
		}
		date := healthDate
		if old {
			date = healthCompact
		}
		fmt.Fprintf(bw, ` sourceName="%s" sourceVersion="10.1" device="%s" creationDate="%s" startDate="%s" endDate="%s">`+"\n",
			watch, dev, date(end.Add(time.Minute), z), date(a.Start, z), date(end, z))
		if a.TimeZone != "" && strings.Contains(a.TimeZone, "/") {
			fmt.Fprintf(bw, `  <MetadataEntry key="HKTimeZone" value="%s"/>`+"\n", a.TimeZone)
		}
		indoor := !hasPositions(a) && (a.Sport == analysis.SportRunning || a.Sport == analysis.SportCycling)
		if indoor {
			bw.WriteString(`  <MetadataEntry key="HKIndoorWorkout" value="1"/>` + "\n")
		}
		fmt.Fprintf(bw, `  <WorkoutEvent type="HKWorkoutEventTypeSegment" date="%s" duration="%s" durationUnit="min"/>`+"\n", date(a.Start, z), trimFloat(a.MovingTime/60))
		if !old {
			if analysis.Has(a.Calories) {
				fmt.Fprintf(bw, `  <WorkoutStatistics type="HKQuantityTypeIdentifierActiveEnergyBurned" startDate="%s" endDate="%s" sum="%s" unit="kcal"/>`+"\n",
					date(a.Start, z), date(end, z), trimFloat(a.Calories))
			}
			if analysis.Has(a.Distance) && a.Distance > 0 {
				fmt.Fprintf(bw, `  <WorkoutStatistics type="%s" startDate="%s" endDate="%s" sum="%s" unit="km"/>`+"\n",
					healthDistanceType(a.Sport), date(a.Start, z), date(end, z), trimFloat(a.Distance/1000))
			}
			if analysis.Has(a.AvgHR) {
				fmt.Fprintf(bw, `  <WorkoutStatistics type="HKQuantityTypeIdentifierHeartRate" startDate="%s" endDate="%s" average="%s" minimum="90" maximum="%s" unit="count/min"/>`+"\n",
					date(a.Start, z), date(end, z), trimFloat(a.AvgHR), trimFloat(a.MaxHR))
			}
		}
		if hasPositions(a) {
			fmt.Fprintf(bw, `  <WorkoutRoute sourceName="%s" sourceVersion="10.1" creationDate="%s" startDate="%s" endDate="%s">`+"\n",
				watch, date(end.Add(time.Minute), z), date(a.Start, z), date(end, z))
			if i%4 == 0 {
				for _, s := range a.Samples {
					if analysis.Has(s.Lat) {
						fmt.Fprintf(bw, `   <Location date="%s" latitude="%.6f" longitude="%.6f" altitude="%.1f" horizontalAccuracy="3.1" verticalAccuracy="2.2" course="-1" speed="%.2f"/>`+"\n",
							date(s.Time, z), s.Lat, s.Lon, zeroIfNaN(s.Altitude), zeroIfNaN(s.Speed))
					}
				}
			} else {
				fmt.Fprintf(bw, `   <FileReference path="/workout-routes/%s"/>`+"\n", routeName(a, i))
			}
			bw.WriteString("  </WorkoutRoute>\n")
		}
		bw.WriteString(" </Workout>\n")
	}
	for _, a := range acts {
		fmt.Fprintf(bw, ` <ActivitySummary dateComponents="%s" activeEnergyBurned="512" activeEnergyBurnedGoal="500" activeEnergyBurnedUnit="kcal" appleExerciseTime="48" appleExerciseTimeGoal="30" appleStandHours="11" appleStandHoursGoal="12"/>`+"\n",
			a.LocalDate())
	}
	bw.WriteString("</HealthData>\n")
	return bw.Flush()
}

// healthDistanceType is the WorkoutStatistics distance type of a sport.
func healthDistanceType(sport string) string {
	switch sport {
	case analysis.SportCycling:
		return "HKQuantityTypeIdentifierDistanceCycling"
	case analysis.SportSwimming:
		return "HKQuantityTypeIdentifierDistanceSwimming"
	}
	return "HKQuantityTypeIdentifierDistanceWalkingRunning"
}

// writeHealthRoute writes a workout route GPX as the Health export does.
func writeHealthRoute(w io.Writer, a *analysis.Activity) error {
	bw := bufio.NewWriter(w)
	fmt.Fprintf(bw, `<?xml version="1.0" encoding="UTF-8"?>
<gpx version="1.1" creator="Apple Health Export" xmlns="http://www.topografix.com/GPX/1/1">
  <metadata>
    <time>%s</time>
  </metadata>
  <trk>
    <name>Route %s</name>
    <trkseg>
`, a.Start.Add(48*time.Hour).UTC().Format(time.RFC3339), a.LocalStart().Format("2006-01-02 3:04pm"))
	for _, s := range a.Samples {
		if !analysis.Has(s.Lat) {
			continue
		}
		fmt.Fprintf(bw, `      <trkpt lon="%.6f" lat="%.6f"><ele>%.3f</ele><time>%s</time><extensions><speed>%.3f</speed><course>-1</course><hAcc>3.1</hAcc><vAcc>2.2</vAcc></extensions></trkpt>`+"\n",
			s.Lon, s.Lat, zeroIfNaN(s.Altitude), s.Time.UTC().Format(time.RFC3339), zeroIfNaN(s.Speed))
	}
	bw.WriteString("    </trkseg>\n  </trk>\n</gpx>\n")
	return bw.Flush()
}

func zeroIfNaN(v float64) float64 {
	if analysis.Has(v) {
		return v
	}
	return 0
}

// trimFloat formats v with up to 6 decimals, without trailing zeros.
func trimFloat(v float64) string {
	s := fmt.Sprintf("%.6f", v)
	s = strings.TrimRight(s, "0")
	return strings.TrimSuffix(s, ".")
}
