package server

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/taper-run/taper/synth"
)

// freePort returns a TCP port free on loopback just now.
func freePort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// TestServeBesideCron runs taper serve as a real process, and while it
// serves (and is being asked for the roster), a separate taper import of a
// new athlete into the same database, as cron would: the import succeeds,
// the athlete appears in /api/audit, taper audit works beside it, and
// SIGTERM stops the server cleanly.
func TestServeBesideCron(t *testing.T) {
	bin := taperBinary(t)
	db := teamDB(t)
	addr := freePort(t)
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	serve := exec.CommandContext(ctx, bin, "serve", "--db", db, "--listen", addr)
	stderr, err := serve.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := serve.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { serve.Process.Kill(); serve.Wait() }()
	lines := bufio.NewScanner(stderr)
	if !lines.Scan() || lines.Text() != "taper: serving "+db+" at http://"+addr+"/" {
		t.Fatalf("taper serve said %q", lines.Text())
	}
	rest := make(chan string, 1)
	go func() {
		var b strings.Builder
		for lines.Scan() {
			b.WriteString(lines.Text() + "\n")
		}
		rest <- b.String()
	}()
	base := "http://" + addr
	fetch := func(path string) (int, string) {
		res, err := http.Get(base + path)
		if err != nil {
			t.Fatalf("GET %s: %v", path, err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res.StatusCode, string(b)
	}
	if code, _ := fetch("/healthz"); code != 200 {
		t.Fatalf("healthz: %d", code)
	}

	dir, err := seasonFiles(season("eve", 5, synth.Breaches{LongRunEarly: true}))
	if err != nil {
		t.Fatal(err)
	}
	// The dashboard keeps asking while the import runs.
	stop := make(chan struct{})
	var wg sync.WaitGroup
	statuses := map[int]int{}
	var mu sync.Mutex
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			select {
			case <-stop:
				return
			case <-time.After(100 * time.Millisecond):
			}
			res, err := http.Get(base + "/api/audit")
			if err != nil {
				continue
			}
			io.Copy(io.Discard, res.Body)
			res.Body.Close()
			mu.Lock()
			statuses[res.StatusCode]++
			mu.Unlock()
		}
	}()
	out := cli(t, 0, "import", "--db", db, "--athlete", "eve", "--quiet", dir)
	close(stop)
	wg.Wait()
	if !strings.Contains(out, `for athlete "eve"`) {
		t.Errorf("taper import said %q", out)
	}
	t.Logf("roster requests during the import: %v (503 while the import held the file)", statuses)
	for code := range statuses {
		if code != 200 && code != 503 {
			t.Errorf("roster request during the import: status %d", code)
		}
	}
	code, body := fetch("/api/audit")
	if code != 200 || !strings.Contains(body, `"athlete": "eve"`) {
		t.Fatalf("eve is not in /api/audit after the import: %d %.300s", code, body)
	}
	if page := cli(t, 0, "audit", "--db", db, "--format", "json"); !strings.Contains(page, `"athlete": "eve"`) {
		t.Errorf("taper audit beside taper serve: %.200s", page)
	}

	serve.Process.Signal(syscall.SIGTERM)
	done := make(chan error, 1)
	go func() { done <- serve.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("taper serve after SIGTERM: %v", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("taper serve did not stop within 30 s of SIGTERM")
	}
	if said := <-rest; !strings.Contains(said, "taper: stopped") {
		t.Errorf("taper serve did not say it stopped: %q", said)
	}
}

// TestServeRefusesOpenListen: a non-loopback address without a token, or a
// short token, is a usage error (exit 2) with the reason and the fix.
func TestServeRefusesOpenListen(t *testing.T) {
	bin := taperBinary(t)
	db := teamDB(t)
	for _, c := range []struct {
		args []string
		say  string
	}{
		{[]string{"--listen", "0.0.0.0:0"}, "without a token"},
		{[]string{"--listen", ":8080"}, "without a token"},
		{[]string{"--listen", "0.0.0.0:0", "--token", "short"}, "use at least 12"},
		{[]string{"--listen", "nonsense"}, "bad --listen"},
	} {
		cmd := exec.Command(bin, append([]string{"serve", "--db", db}, c.args...)...)
		out, err := cmd.CombinedOutput()
		ee, ok := err.(*exec.ExitError)
		if !ok || ee.ExitCode() != 2 || !strings.Contains(string(out), c.say) || (c.say == "without a token" && !strings.Contains(string(out), "hint: ")) {
			t.Errorf("taper serve %s: %v\n%s", strings.Join(c.args, " "), err, out)
		}
	}
}

// TestCommandsWaitForTheFile: a command that finds the database held by
// another process (taper serve answering, a cron import) says so and waits,
// then runs; taper override and taper waive --list work from the terminal.
func TestCommandsWaitForTheFile(t *testing.T) {
	bin := taperBinary(t)
	db := teamDB(t)
	hold := exec.Command(os.Args[0], "-test.run=^$")
	hold.Env = append(os.Environ(), childEnv+"="+db)
	out, err := hold.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := hold.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { hold.Process.Kill(); hold.Wait() }()
	if sc := bufio.NewScanner(out); !sc.Scan() || sc.Text() != "ready" {
		t.Fatalf("the holding process did not start: %q", sc.Text())
	}
	go func() {
		time.Sleep(1500 * time.Millisecond)
		hold.Process.Kill()
	}()
	cmd := exec.Command(bin, "audit", "--db", db, "--as-of", asOf)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	stdout, err := cmd.Output()
	if err != nil {
		t.Fatalf("taper audit while the file was held: %v\n%s", err, stderr.String())
	}
	if !strings.Contains(stderr.String(), "is in use by another taper process") || !strings.Contains(stderr.String(), "waiting up to") {
		t.Errorf("taper audit did not say it waited: %q", stderr.String())
	}
	if !strings.Contains(string(stdout), "ann") {
		t.Errorf("taper audit after the wait: %q", stdout)
	}

	// taper override and its undo, from the terminal.
	s, _ := New(Options{DB: db, Now: fixedNow})
	limit := finding(t, s, "ann", "interval_limit")
	said := cli(t, 0, "override", "--db", db, "--athlete", "ann", "--activity", limit.ActivityID, "--class", "easy", "--note", "easy fartlek")
	if !strings.Contains(said, "is easy from now on") {
		t.Errorf("taper override said %q", said)
	}
	if _, page := get(t, s, "/athletes/ann/activities/"+limit.ActivityID); !strings.Contains(page, "Class set to <b>easy</b> by local") {
		t.Error("the activity page does not show the CLI's override")
	}
	var id int
	if _, err := fmt.Sscanf(said[strings.Index(said, "(decision "):], "(decision %d", &id); err != nil {
		t.Fatalf("no decision id in %q", said)
	}
	if undo := cli(t, 0, "override", "--db", db, "--athlete", "ann", "--undo", fmt.Sprint(id)); !strings.Contains(undo, fmt.Sprintf("Undid decision %d", id)) {
		t.Errorf("taper override --undo said %q", undo)
	}
	finding(t, s, "ann", "interval_limit") // taper's class again
	cli(t, 2, "override", "--db", db, "--athlete", "ann", "--activity", limit.ActivityID)
	cli(t, 2, "override", "--db", db, "--athlete", "ann", "--activity", limit.ActivityID, "--class", "race", "--note", "n") // a bad argument
	list := cli(t, 0, "waive", "--db", db, "--athlete", "ann", "--list")
	if !strings.Contains(list, "class_override") || !strings.Contains(list, limit.ActivityID+" -> easy") || !strings.Contains(list, "undone by local") {
		t.Errorf("taper waive --list:\n%s", list)
	}
}
