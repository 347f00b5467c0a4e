package server

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestLoadTokens(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "tokens.txt")
	if err := os.WriteFile(file, []byte("# coaches\nanna 0123456789abcdef\n\nfedcba9876543210\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	got, err := LoadTokens("secret-secret-1", file)
	if err != nil {
		t.Fatal(err)
	}
	want := []Token{{"coach", "secret-secret-1"}, {"anna", "0123456789abcdef"}, {"coach", "fedcba9876543210"}}
	if len(got) != len(want) {
		t.Fatalf("LoadTokens = %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("token %d = %v, want %v", i, got[i], want[i])
		}
	}
	bad := filepath.Join(dir, "bad.txt")
	if err := os.WriteFile(bad, []byte("a b c\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ secret, file, want string }{
		{"short", "", "use at least 12"},
		{"", bad, "bad.txt:1: want 'NAME TOKEN'"},
		{"", filepath.Join(dir, "none.txt"), "--token-file"},
	} {
		_, err := LoadTokens(c.secret, c.file)
		var ce *ConfigError
		if !errors.As(err, &ce) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("LoadTokens(%q, %q) = %v, want a ConfigError with %q", c.secret, c.file, err, c.want)
		}
	}
}

func TestLoopback(t *testing.T) {
	for host, want := range map[string]bool{"localhost": true, "127.0.0.1": true, "::1": true, "0.0.0.0": false, "": false, "example.com": false} {
		if got := Loopback(host); got != want {
			t.Errorf("Loopback(%q) = %v, want %v", host, got, want)
		}
	}
}

func TestServeRefusesBeforeListening(t *testing.T) {
	db := filepath.Join(t.TempDir(), "t.duckdb")
	for _, c := range []struct {
		cfg  Config
		want string
	}{
		{Config{Listen: "nonsense", DB: db}, "bad --listen"},
		{Config{Listen: "0.0.0.0:0", DB: db}, "without a token"},
		{Config{Listen: "127.0.0.1:0", DB: ""}, "needs a database file"},
		{Config{Listen: "127.0.0.1:0", DB: filepath.Dir(db)}, "is a folder"},
		{Config{Listen: "127.0.0.1:0", DB: db, ReadOnly: true}, "does not exist"},
	} {
		err := Serve(context.Background(), c.cfg)
		var ce *ConfigError
		if !errors.As(err, &ce) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("Serve(%+v) = %v, want a ConfigError with %q", c.cfg, err, c.want)
		}
	}
}

// A database that does not exist is created, and the operator is told so
// (a mistyped --db must not go unnoticed).
func TestServeSaysItCreatesTheDatabase(t *testing.T) {
	db := filepath.Join(t.TempDir(), "new.duckdb")
	ctx, cancel := context.WithCancel(context.Background())
	var said []string
	err := Serve(ctx, Config{Listen: "127.0.0.1:0", DB: db,
		Prepare: func(context.Context) error { return nil },
		Notify: func(msg string) {
			said = append(said, msg)
			if strings.HasPrefix(msg, "serving ") {
				cancel()
			}
		}})
	if err != nil {
		t.Fatal(err)
	}
	if len(said) == 0 || !strings.Contains(said[0], "does not exist: creating an empty database") {
		t.Errorf("Serve said %q, want first that it creates the database", said)
	}
}
