package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/taper-run/taper/analysis"
	"github.com/taper-run/taper/server"
	"github.com/taper-run/taper/store"
)

type serveOptions struct {
	*globalOptions
	Listen    string
	Token     string
	TokenFile string
	ReadOnly  bool
	Verbose   bool
}

func newServeCmd(g *globalOptions, st *streams) *cobra.Command {
	o := &serveOptions{globalOptions: g}
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "The coach's dashboard in a browser: roster, reports, evidence, decisions, imports",
		Long: `serve runs the dashboard on --listen until Ctrl-C (or SIGTERM). It holds the
database only while it answers a request, so a cron 'taper import' on the same
file keeps working (each side waits a few seconds for the other when needed).

Without a token it listens on loopback only. With --token (or TAPER_TOKEN, or
--token-file with one 'NAME TOKEN' a line, NAME recorded with the decisions made
with it), every request needs 'Authorization: Bearer TOKEN' or the login page's
cookie.`,
		Example: `  taper serve --db team.duckdb
  taper serve --db team.duckdb --listen 0.0.0.0:8080 --token-file coaches.txt
  taper serve --db team.duckdb --read-only`,
		Args: wrapArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runServe(cmd.Context(), o, st)
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.Listen, "listen", "127.0.0.1:8080", "address to listen on (host:port)")
	f.StringVar(&o.Token, "token", "", "the token every request must present (env TAPER_TOKEN); recorded as 'coach'")
	f.StringVar(&o.TokenFile, "token-file", "", "file of tokens, one 'NAME TOKEN' (or just TOKEN) a line")
	f.BoolVar(&o.ReadOnly, "read-only", false, "refuse every change (decisions, imports) with 403")
	f.BoolVar(&o.Verbose, "verbose", false, "log every request on stderr")
	return cmd
}

// minTokenLen keeps tokens long enough not to be guessed.
const minTokenLen = 12

// tokens reads --token, TAPER_TOKEN and --token-file.
func (o *serveOptions) tokens() ([]server.Token, error) {
	var out []server.Token
	secret := o.Token
	if secret == "" {
		secret = os.Getenv("TAPER_TOKEN")
	}
	if secret != "" {
		out = append(out, server.Token{Name: "coach", Secret: secret})
	}
	if o.TokenFile != "" {
		f, err := os.Open(o.TokenFile)
		if err != nil {
			return nil, usagef("--token-file: %v", err)
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
				out = append(out, server.Token{Name: "coach", Secret: fields[0]})
			case 2:
				out = append(out, server.Token{Name: fields[0], Secret: fields[1]})
			default:
				return nil, usagef("%s:%d: want 'NAME TOKEN' or 'TOKEN'", o.TokenFile, n)
			}
		}
		if err := sc.Err(); err != nil {
			return nil, fmt.Errorf("read %s: %w", o.TokenFile, err)
		}
		if len(out) == 0 {
			return nil, usagef("--token-file %s holds no token", o.TokenFile)
		}
	}
	for _, t := range out {
		if len(t.Secret) < minTokenLen {
			return nil, &usageError{&hintError{err: fmt.Errorf("token of %s is %d characters: use at least %d", t.Name, len(t.Secret), minTokenLen),
				hint: "make one with: openssl rand -hex 16"}}
		}
	}
	return out, nil
}

// loopback reports whether host names this machine only.
func loopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func runServe(ctx context.Context, o *serveOptions, st *streams) error {
	host, _, err := net.SplitHostPort(o.Listen)
	if err != nil {
		return usagef("bad --listen %q: use host:port, e.g. 127.0.0.1:8080", o.Listen)
	}
	tokens, err := o.tokens()
	if err != nil {
		return err
	}
	if !loopback(host) && len(tokens) == 0 {
		return &usageError{&hintError{err: fmt.Errorf("refusing to serve %s on %s without a token: anyone who can reach it could read and change the athletes' data", o.DB, o.Listen),
			hint: "add --token-file FILE (or --token / TAPER_TOKEN), or listen on 127.0.0.1"}}
	}
	if o.DB == "" || o.DB == ":memory:" {
		return usagef("taper serve needs a database file: --db team.duckdb")
	}
	if fi, err := os.Stat(o.DB); err == nil && fi.IsDir() {
		return usagef("--db %s is a folder: give the database file", o.DB)
	}
	// Create or upgrade the database now, not on the first request.
	if o.ReadOnly {
		db, err := openExisting(ctx, o.DB, store.Options{ReadOnly: true}, st.errOut)
		if err != nil {
			return err
		}
		db.Close()
	} else {
		db, err := openDB(ctx, o.DB, store.Options{}, st.errOut)
		if err != nil {
			return err
		}
		if err := db.Close(); err != nil {
			return err
		}
	}
	level := slog.LevelWarn
	if o.Verbose {
		level = slog.LevelDebug
	}
	log := slog.New(slog.NewTextHandler(st.errOut, &slog.HandlerOptions{Level: level}))
	srv, err := server.New(server.Options{DB: o.DB, Tokens: tokens, ReadOnly: o.ReadOnly, Logger: log,
		Settings: func(athlete string) (analysis.Settings, error) { return loadSettingsFor(o.globalOptions, athlete) }})
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", o.Listen)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", o.Listen, err)
	}
	hs := srv.HTTPServer(o.Listen)
	mode := ""
	if o.ReadOnly {
		mode = " (read-only)"
	}
	fmt.Fprintf(st.errOut, "taper: serving %s at http://%s/%s\n", o.DB, ln.Addr(), mode)
	done := make(chan error, 1)
	go func() { done <- hs.Serve(ln) }()
	select {
	case err := <-done:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	fmt.Fprintf(st.errOut, "taper: stopping: finishing the requests and imports in progress (up to 30 s)\n")
	stop, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := hs.Shutdown(stop); err != nil && !errors.Is(err, http.ErrServerClosed) {
		fmt.Fprintf(st.errOut, "taper: %v\n", err)
	}
	if err := srv.Wait(stop); err != nil {
		fmt.Fprintf(st.errOut, "taper: %v (the database keeps what was stored whole; import again to finish)\n", err)
	}
	fmt.Fprintf(st.errOut, "taper: stopped\n")
	return nil
}
