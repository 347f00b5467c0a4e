// Package server is taper serve: the coach's dashboard (HTML pages and a
// JSON API) over a taper database. It calls the application core, the same
// functions as the command line, and holds the database only while a
// request needs it, so cron jobs can import into the same file.
package server

import (
	"context"
	"errors"
	"fmt"
	"html/template"
	"log/slog"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/taper-run/taper/analysis"
)

// Options configure a Server.
type Options struct {
	DB string // the database file
	// Settings returns an athlete's effective settings (the front end
	// reads the settings file); nil: the standard preset.
	Settings func(athlete string) (analysis.Settings, error)
	Tokens   []Token // none: no login (loopback only; the front end checks)
	ReadOnly bool    // refuse every write with 403
	Logger   *slog.Logger
	Now      func() time.Time // nil: time.Now
	// MaxUpload bounds one import upload's body, in bytes (0: 1 GiB);
	// MaxFiles the files in it (0: 2,000).
	MaxUpload int64
	MaxFiles  int
	// LockWait is how long a request waits for another process to free
	// the database before it answers 503 (0: 3 s).
	LockWait time.Duration
}

// Server is the dashboard: an http.Handler.
type Server struct {
	opts    Options
	log     *slog.Logger
	gate    *gate
	pages   *template.Template
	handler http.Handler

	// imports are the uploads being imported or done, by job id.
	jobsMu sync.Mutex
	jobs   map[string]*importJob
	nextID int
	// running imports; Shutdown waits for them.
	work   sync.WaitGroup
	ctx    context.Context // cancelled by Close: imports stop between batches
	cancel context.CancelFunc

	// afterFile, when set (by tests), is called after each file an upload
	// imports: a browser test slows an import down to watch its progress.
	afterFile atomic.Pointer[func()]

	// athletes serialises, per athlete, what stores activities or analyses
	// them (uploads, race changes): two at once would each leave the
	// athlete's analysis to the other (see store.AnalysisPending).
	athletes sync.Map // athlete -> *sync.Mutex
}

// lockAthlete waits for the athlete's other uploads and race changes and
// returns the unlock.
func (s *Server) lockAthlete(athlete string) func() {
	m, _ := s.athletes.LoadOrStore(athlete, &sync.Mutex{})
	mu := m.(*sync.Mutex)
	mu.Lock()
	return mu.Unlock
}

// New returns the dashboard over the database in opts.DB.
func New(opts Options) (*Server, error) {
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.MaxUpload <= 0 {
		opts.MaxUpload = 1 << 30
	}
	if opts.MaxFiles <= 0 {
		opts.MaxFiles = 2000
	}
	if opts.LockWait <= 0 {
		opts.LockWait = 3 * time.Second
	}
	for _, t := range opts.Tokens {
		if t.Secret == "" || t.Name == "" {
			return nil, errors.New("serve: a token needs a name and a secret")
		}
	}
	pages, err := parsePages()
	if err != nil {
		return nil, err
	}
	s := &Server{opts: opts, log: opts.Logger, gate: newGate(opts.DB, opts.LockWait, opts.Now, opts.ReadOnly),
		pages: pages, jobs: map[string]*importJob{}}
	s.ctx, s.cancel = context.WithCancel(context.Background())
	s.handler = s.routes()
	return s, nil
}

// ServeHTTP serves the dashboard.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }

// HTTPServer returns an http.Server for addr with the dashboard and
// timeouts fit for it: headers within 10 s, a body (an upload) within 30
// minutes, a response within 5 minutes.
func (s *Server) HTTPServer(addr string) *http.Server {
	return &http.Server{
		Addr:              addr,
		Handler:           s,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Minute,
		WriteTimeout:      5 * time.Minute,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
	}
}

// Wait blocks until the imports in progress have finished, or ctx ends;
// then it cancels those still running (each stops at a batch boundary,
// leaving the database consistent) and waits for them to stop.
func (s *Server) Wait(ctx context.Context) error {
	done := make(chan struct{})
	go func() { s.work.Wait(); close(done) }()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		s.cancel()
		<-done
		return fmt.Errorf("imports in progress were stopped: %w", ctx.Err())
	}
}
