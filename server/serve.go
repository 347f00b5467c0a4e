package server

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/taper-run/taper"
	"github.com/taper-run/taper/analysis"
	"github.com/taper-run/taper/store"
)

// Config is what Serve needs: where to listen, the database, who may log in.
type Config struct {
	Listen    string // host:port
	DB        string // the database file
	Token     string // one token, recorded as "coach" ("": none)
	TokenFile string // a file of tokens, one "NAME TOKEN" (or just TOKEN) a line
	ReadOnly  bool
	Logger    *slog.Logger
	Settings  func(athlete string) (analysis.Settings, error)
	// Prepare creates or upgrades the database (or, read-only, checks it
	// exists) before Serve listens; nil: it opens it without waiting for
	// another process.
	Prepare func(ctx context.Context) error
	// Notify receives what Serve tells the operator (serving, stopping,
	// stopped, problems while stopping); nil: nothing.
	Notify func(msg string)
	// ShutdownTimeout bounds the graceful stop (0: 30 s).
	ShutdownTimeout time.Duration
}

// ConfigError is a Config that cannot be served: a usage problem of the
// front end's flags, with what to do in Hint.
type ConfigError struct {
	Err      error
	HintText string
}

func (e *ConfigError) Error() string { return e.Err.Error() }
func (e *ConfigError) Unwrap() error { return e.Err }
func (e *ConfigError) Hint() string  { return e.HintText }

func configErrorf(format string, args ...any) error {
	return &ConfigError{Err: fmt.Errorf(format, args...)}
}

// MinTokenLen keeps tokens long enough not to be guessed.
const MinTokenLen = 12

// LoadTokens returns the token secret (recorded as "coach") and those of
// the token file (if any), each at least MinTokenLen long.
func LoadTokens(secret, file string) ([]Token, error) {
	var out []Token
	if secret != "" {
		out = append(out, Token{Name: "coach", Secret: secret})
	}
	if file != "" {
		f, err := os.Open(file)
		if err != nil {
			return nil, configErrorf("--token-file: %v", err)
		}
		defer f.Close()
		sc := bufio.NewScanner(f)
		for n := 1; sc.Scan(); n++ {
			line := strings.TrimSpace(sc.Text())
			if line == "" || strings.HasPrefix(line, "#") {
				continue
			}
			fields := strings.Fields(line)
			switch len(fields) {
			case 1:
				out = append(out, Token{Name: "coach", Secret: fields[0]})
			case 2:
				out = append(out, Token{Name: fields[0], Secret: fields[1]})
			default:
				return nil, configErrorf("%s:%d: want 'NAME TOKEN' or 'TOKEN'", file, n)
			}
		}
		if err := sc.Err(); err != nil {
			return nil, fmt.Errorf("read %s: %w", file, err)
		}
		if len(out) == 0 {
			return nil, configErrorf("--token-file %s holds no token", file)
		}
	}
	for _, t := range out {
		if len(t.Secret) < MinTokenLen {
			return nil, &ConfigError{Err: fmt.Errorf("token of %s is %d characters: use at least %d", t.Name, len(t.Secret), MinTokenLen),
				HintText: "make one with: openssl rand -hex 16"}
		}
	}
	return out, nil
}

// Loopback reports whether host names this machine only.
func Loopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// Serve checks cfg, prepares the database and serves the dashboard on
// cfg.Listen until ctx ends; then it stops gracefully: it finishes the
// requests and imports in progress (up to cfg.ShutdownTimeout) and returns
// nil. Without a token it serves loopback addresses only.
func Serve(ctx context.Context, cfg Config) error {
	notify := cfg.Notify
	if notify == nil {
		notify = func(string) {}
	}
	host, _, err := net.SplitHostPort(cfg.Listen)
	if err != nil {
		return configErrorf("bad --listen %q: use host:port, e.g. 127.0.0.1:8080", cfg.Listen)
	}
	tokens, err := LoadTokens(cfg.Token, cfg.TokenFile)
	if err != nil {
		return err
	}
	if !Loopback(host) && len(tokens) == 0 {
		return &ConfigError{Err: fmt.Errorf("refusing to serve %s on %s without a token: anyone who can reach it could read and change the athletes' data", cfg.DB, cfg.Listen),
			HintText: "add --token-file FILE (or --token / TAPER_TOKEN), or listen on 127.0.0.1"}
	}
	if cfg.DB == "" || cfg.DB == ":memory:" {
		return configErrorf("taper serve needs a database file: --db team.duckdb")
	}
	if fi, err := os.Stat(cfg.DB); err == nil && fi.IsDir() {
		return configErrorf("--db %s is a folder: give the database file", cfg.DB)
	}
	if _, err := os.Stat(cfg.DB); errors.Is(err, fs.ErrNotExist) {
		if cfg.ReadOnly {
			return configErrorf("--db %s does not exist: check the path, or import files first (taper import --db %s FILE...)", cfg.DB, cfg.DB)
		}
		// A coach may start with an empty database and import from the
		// dashboard; a mistyped --db must not go unnoticed, so say so.
		notify(fmt.Sprintf("%s does not exist: creating an empty database (check --db if you meant another file; import from the dashboard's Import page or with taper import)", cfg.DB))
	}
	// Create or upgrade the database now, not on the first request.
	prepare := cfg.Prepare
	if prepare == nil {
		prepare = func(ctx context.Context) error { return prepareDB(ctx, cfg.DB, cfg.ReadOnly) }
	}
	if err := prepare(ctx); err != nil {
		return err
	}
	srv, err := New(Options{DB: cfg.DB, Tokens: tokens, ReadOnly: cfg.ReadOnly, Logger: cfg.Logger, Settings: cfg.Settings})
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", cfg.Listen)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", cfg.Listen, err)
	}
	hs := srv.HTTPServer(cfg.Listen)
	mode := ""
	if cfg.ReadOnly {
		mode = " (read-only)"
	}
	notify(fmt.Sprintf("serving %s at http://%s/%s", cfg.DB, ln.Addr(), mode))
	done := make(chan error, 1)
	go func() { done <- hs.Serve(ln) }()
	select {
	case err := <-done:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	timeout := cfg.ShutdownTimeout
	if timeout <= 0 {
		timeout = 30 * time.Second
	}
	notify(fmt.Sprintf("stopping: finishing the requests and imports in progress (up to %d s)", int(timeout.Seconds())))
	stop, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	if err := hs.Shutdown(stop); err != nil && !errors.Is(err, http.ErrServerClosed) {
		notify(err.Error())
	}
	if err := srv.Wait(stop); err != nil {
		notify(err.Error() + " (the database keeps what was stored whole; import again to finish)")
	}
	notify("stopped")
	return nil
}

// prepareDB creates or upgrades the database, or checks a read-only one
// exists, without waiting for another process.
func prepareDB(ctx context.Context, path string, readOnly bool) error {
	var db *store.DB
	var err error
	if readOnly {
		db, err = taper.OpenDB(ctx, path, store.Options{ReadOnly: true}, 0, nil)
	} else {
		db, err = store.Open(ctx, path, store.Options{})
	}
	if err != nil {
		return err
	}
	return db.Close()
}
