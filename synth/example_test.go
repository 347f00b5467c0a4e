package synth_test

import (
	"bytes"
	"fmt"
	"time"

	"github.com/taper-run/taper/synth"
)

func ExampleWorkout() {
	s := synth.Spec{
		Kind:  synth.Intervals,
		Start: time.Date(2026, 9, 8, 5, 30, 0, 0, time.UTC),
		Zone:  time.FixedZone("Europe/Paris", 2*3600),
		Seed:  1, Reps: 6, RepDistance: 800,
		Laps: synth.IntensityLaps,
	}
	a := synth.Workout(s)
	var buf bytes.Buffer
	if err := synth.WriteFIT(&buf, a); err != nil {
		fmt.Println(err)
		return
	}
	active := 0
	for _, l := range a.Laps {
		if l.Intensity == "active" {
			active++
		}
	}
	fmt.Println(a.Sport, a.LocalStart().Format("15:04"), len(a.Workout), "workout steps,", active, "active laps, class", synth.ExpectedClass(s))
	// Output: running 07:30 5 workout steps, 6 active laps, class interval
}
