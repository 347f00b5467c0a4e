package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"

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
		Short: "The coach's dashboard in a browser: roster, reports, decisions",
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

func runServe(ctx context.Context, o *serveOptions, st *streams) error {
	secret := o.Token
	if secret == "" {
		secret = os.Getenv("TAPER_TOKEN")
	}
	level := slog.LevelWarn
	if o.Verbose {
		level = slog.LevelDebug
	}
	err := server.Serve(ctx, server.Config{Listen: o.Listen, DB: o.DB, Token: secret, TokenFile: o.TokenFile, ReadOnly: o.ReadOnly,
		Logger:   slog.New(slog.NewTextHandler(st.errOut, &slog.HandlerOptions{Level: level})),
		Settings: func(athlete string) (analysis.Settings, error) { return loadSettingsFor(o.globalOptions, athlete) },
		Prepare: func(ctx context.Context) error {
			var db *store.DB
			var err error
			if o.ReadOnly {
				db, err = openExisting(ctx, o.DB, store.Options{ReadOnly: true}, st.errOut)
			} else {
				db, err = openDB(ctx, o.DB, store.Options{}, st.errOut)
			}
			if err != nil {
				return err
			}
			return db.Close()
		},
		Notify: func(msg string) { fmt.Fprintf(st.errOut, "taper: %s\n", msg) },
	})
	var ce *server.ConfigError
	if errors.As(err, &ce) {
		return &usageError{err}
	}
	return err
}
