package server

import (
	"net/http/httptest"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestBrowserLogin: with a token, the browser lands on the login page, a
// wrong token is refused, the right one gets in, all without console errors.
func TestBrowserLogin(t *testing.T) {
	s := bareServer(t, Options{Tokens: []Token{{Name: "coach", Secret: "s3cret"}}})
	ts := httptest.NewServer(s)
	defer ts.Close()
	b := newBrowser(t, 1280)
	b.do(chromedp.Navigate(ts.URL + "/"))
	b.waitFor("the login page", `location.pathname === "/login" && !!document.querySelector("input[name=token]")`)
	b.do(chromedp.SendKeys("input[name=token]", "wrong"), chromedp.Submit("form.login"))
	b.waitFor("the refusal", `document.querySelector("p.error") && document.querySelector("p.error").textContent === "wrong token"`)
	b.do(chromedp.SendKeys("input[name=token]", "s3cret"), chromedp.Submit("form.login"))
	b.waitFor("the roster", `location.pathname === "/" && !!document.getElementById("roster")`)
	if who := eval[string](b, `document.querySelector(".who").textContent`); who != "coach" {
		t.Errorf("logged in as %q, want coach", who)
	}
	if c := eval[string](b, `document.cookie`); c != "" {
		t.Errorf("the token cookie is readable by scripts: %q", c)
	}
	b.noConsoleErrors("login")
}
