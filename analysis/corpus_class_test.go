package analysis_test

import (
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/taper-run/taper/analysis"
	"github.com/taper-run/taper/ingest"
)

// corpusClasses are the expected classes of real corpus runs whose
// structure is known (no race pace is given, so no run can be tempo):
// file name -> session index -> class.
var corpusClasses = map[string]map[int]string{
	// 18 laps: 6 fast manual laps of about 3 min between slower ones.
	"runalyze__time-jump.fit": {0: analysis.ClassInterval},
	// 1 km auto-laps are never structure.
	"runalyze__FR735XT-with-performance-condition.fit": {0: analysis.ClassEasy},
	"runalyze__Fenix-3-with-runscribe-v1-38.fit":       {0: analysis.ClassEasy},
	"python-fitparse__compressed-speed-distance.fit":   {0: analysis.ClassEasy},
	"runalyze__Standard.fit":                           {0: analysis.ClassEasy},
	"gpsbabel__garmin-forerunner-10.fit":               {0: analysis.ClassEasy},
	// 90 minutes or more of moving time, no structure.
	"roznet-fitfileparser__running.fit":           {0: analysis.ClassLong},
	"runalyze__FR920-additional-start-events.fit": {0: analysis.ClassLong},
	"runalyze__garmin-runPower.fit":               {0: analysis.ClassLong},
	"runalyze__break-between-trkseg.gpx":          {0: analysis.ClassLong},
	"sports-lib__runs_6914448270.fit":             {0: analysis.ClassLong},
	// Steady GPX runs from phones and watches.
	"mapbox-togeojson__run.gpx":       {0: analysis.ClassEasy},
	"runalyze__hrm_12010401.gpx":      {0: analysis.ClassEasy},
	"sports-lib__runs_6782987395.gpx": {0: analysis.ClassEasy},
	// Run/walk: walk breaks between easy running are not recoveries
	// between work bouts (about 2 min at 6:30/km, then walking).
	"sports-lib__runs_2067489619.fit": {0: analysis.ClassEasy},
	"sports-lib__runs_2067489619.gpx": {0: analysis.ClassEasy},
}

// TestCorpusRunsClassified decodes every real corpus file and checks that
// every running session gets a class with evidence, and that the runs of
// known structure get the expected one.
func TestCorpusRunsClassified(t *testing.T) {
	root := filepath.Join("..", "..", "shared", "corpus")
	if _, err := os.Stat(root); err != nil {
		t.Skipf("real-file corpus not found at %s (it sits beside the repository in the team's workspace): %v", root, err)
	}
	dec := ingest.NewDecoder(ingest.DecodeOptions{Now: time.Date(2026, 11, 26, 0, 0, 0, 0, time.UTC)})
	s, err := analysis.Preset(analysis.PresetStandard)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	counts := map[string]int{}
	runs := 0
	for _, dir := range []string{"fit", "gpx"} {
		files, err := os.ReadDir(filepath.Join(root, dir))
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range files {
			path := filepath.Join(root, dir, f.Name())
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			res := dec.Decode(path, data)
			for _, a := range res.Activities {
				if !a.IsRun() {
					continue
				}
				runs++
				class, source, evidence := analysis.Classify(a, 0, s)
				counts[class]++
				if class == "" || source == "" || evidence == "" {
					t.Errorf("%s session %d: class %q, source %q, evidence %q: every run needs all three", f.Name(), a.SessionIndex, class, source, evidence)
				}
				if want, ok := corpusClasses[f.Name()][a.SessionIndex]; ok {
					seen[f.Name()] = true
					if class != want {
						t.Errorf("%s session %d: class %s (%s), want %s", f.Name(), a.SessionIndex, class, evidence, want)
					}
				}
			}
		}
	}
	var missing []string
	for name := range corpusClasses {
		if !seen[name] {
			missing = append(missing, name)
		}
	}
	sort.Strings(missing)
	if len(missing) > 0 {
		t.Errorf("expected runs not found in the corpus: %s", strings.Join(missing, ", "))
	}
	if runs < 50 {
		t.Errorf("only %d running sessions decoded from the corpus", runs)
	}
	t.Logf("%d corpus runs classified: %v", runs, counts)
}
