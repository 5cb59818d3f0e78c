package server

// End-to-end tests of the debugger page in headless Chromium, driven over the
// DevTools protocol with chromedp. They need a Chromium binary (Debian's
// chromium package: /usr/bin/chromium); without one they skip, unless
// TOKENCHECK_BROWSER_TESTS=1 (set by .ci/run, which installs it), where a
// missing browser fails. Screenshots go to out/screenshots/ at the top of the
// repository (or $TOKENCHECK_SCREENSHOT_DIR) and their paths are logged.

import (
	"context"
	"fmt"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"
)

// browserEnv makes a missing browser a failure instead of a skip.
const browserEnv = "TOKENCHECK_BROWSER_TESTS"

// findChromium returns the browser to drive: $TOKENCHECK_CHROMIUM, or the
// first of Debian's and other common names on PATH.
func findChromium() (string, error) {
	if p := os.Getenv("TOKENCHECK_CHROMIUM"); p != "" {
		return exec.LookPath(p)
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p, nil
		}
	}
	return "", fmt.Errorf("no chromium, chromium-browser or google-chrome on PATH")
}

// startBrowser starts one headless Chromium for a test and returns its
// context; tabs are made from it with newTab.
func startBrowser(t *testing.T) context.Context {
	t.Helper()
	if testing.Short() {
		t.Skip("browser tests are skipped in -short mode")
	}
	path, err := findChromium()
	if err != nil {
		if os.Getenv(browserEnv) == "1" {
			t.Fatalf("%s=1 but no browser: %v (apt-get install chromium)", browserEnv, err)
		}
		t.Skipf("skipping browser tests: %v; install Debian's chromium (apt-get install chromium) or set TOKENCHECK_CHROMIUM", err)
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.NoSandbox, // CI runs as root
		chromedp.DisableGPU,
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 900),
		// The machine's network is closed: no background connections.
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("no-first-run", true),
	)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(allocCtx)
	t.Cleanup(func() { cancel(); cancelAlloc() })
	// The first action starts the browser; it lives as long as ctx.
	start := make(chan error, 1)
	go func() { start <- chromedp.Do(ctx) }()
	select {
	case err := <-start:
		if err != nil {
			t.Fatalf("starting %s: %v", path, err)
		}
	case <-time.After(60 * time.Second):
		t.Fatalf("%s did not start within 60 s", path)
	}
	return ctx
}

// newTab opens a tab and returns a context for its actions, bounded in time.
func newTab(t *testing.T, browser context.Context) context.Context {
	t.Helper()
	tab, cancelTab := chromedp.NewContext(browser)
	if err := chromedp.Do(tab); err != nil {
		cancelTab()
		t.Fatalf("opening a tab: %v", err)
	}
	ctx, cancel := context.WithTimeout(tab, 30*time.Second)
	t.Cleanup(func() { cancel(); cancelTab() })
	return ctx
}

// screenshot saves a full-page PNG and logs its path.
func screenshot(t *testing.T, ctx context.Context, name string) string {
	t.Helper()
	dir := os.Getenv("TOKENCHECK_SCREENSHOT_DIR")
	if dir == "" {
		dir = filepath.Join("..", "..", "out", "screenshots")
	}
	dir, err := filepath.Abs(dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatalf("screenshot: %v", err)
	}
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, png, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot: %s", path)
	return path
}

// run runs actions, failing the test with what was being done.
func run(t *testing.T, ctx context.Context, what string, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(ctx, steps...); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

func eval[T any](t *testing.T, ctx context.Context, js string) T {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](js))
	if err != nil {
		t.Fatalf("evaluating %s: %v", js, err)
	}
	return v
}

// form is what the tests type into the page.
type form struct {
	token, cert, appID, channel, uid, account, forSvc, now string
}

// paste inserts text at the focus as a paste or an input method does.
func paste(text string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := cdp.Call(ctx, t, input.InsertText, input.InsertTextParams{Text: text})
		return err
	})
}

// fill pastes into each field given, then presses Enter in the token box,
// and waits for the result or the error to show.
func fill(t *testing.T, ctx context.Context, f form) {
	t.Helper()
	steps := []chromedp.Action[chromedp.Void]{chromedp.WaitVisible(chromedp.ID("token"))}
	for _, kv := range [][2]string{{"cert", f.cert}, {"app_id", f.appID}, {"channel", f.channel},
		{"uid", f.uid}, {"account", f.account}, {"now", f.now}, {"token", f.token}} {
		if kv[1] != "" {
			steps = append(steps, chromedp.Focus(chromedp.ID(kv[0])), paste(kv[1]))
		}
	}
	if f.forSvc != "" {
		steps = append(steps, chromedp.SetValue(chromedp.ID("for"), f.forSvc))
	}
	steps = append(steps, chromedp.Focus(chromedp.ID("token")), chromedp.KeyEvent("\r"))
	run(t, ctx, "filling the form", steps...)
	waitOutcome(t, ctx)
}

// waitOutcome waits until a verdict or an error is shown.
func waitOutcome(t *testing.T, ctx context.Context) {
	t.Helper()
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](`!document.getElementById("result").hidden || !document.getElementById("error").hidden`)); err != nil {
		t.Fatalf("no result shown: %v", err)
	}
}

// finding is a row of the findings table as rendered.
type finding struct {
	Code     string `json:"code"`
	Severity string `json:"severity"`
	SDK      string `json:"sdk"`
	Colour   string `json:"colour"`
}

func findings(t *testing.T, ctx context.Context) []finding {
	return eval[[]finding](t, ctx, `Array.from(document.querySelectorAll("#findings tbody tr")).map(tr => ({
		code: tr.dataset.code, severity: tr.className, sdk: tr.cells[2].textContent,
		colour: getComputedStyle(tr).backgroundColor}))`)
}

// fields returns the decoded-fields table: field → [value, meaning].
func fields(t *testing.T, ctx context.Context) map[string][2]string {
	return eval[map[string][2]string](t, ctx, `Object.fromEntries(Array.from(document.querySelectorAll("#fields tbody tr[data-field]"))
		.map(tr => [tr.dataset.field, [tr.cells[1].textContent, tr.cells[2].textContent]]))`)
}

func verdict(t *testing.T, ctx context.Context) string {
	return eval[string](t, ctx, `document.getElementById("verdict").textContent`)
}

func TestBrowser(t *testing.T) {
	browser := startBrowser(t)
	srv := httptest.NewServer(New(Config{Now: fixedNow, Builder: EncodeBuilder{}}))
	defer srv.Close()
	tok, cert := sample(t)
	now := fmt.Sprint(exampleNow)

	t.Run("valid token by keyboard alone", func(t *testing.T) {
		ctx := newTab(t, browser)
		run(t, ctx, "loading the page", chromedp.Navigate(srv.URL+"/"), chromedp.WaitVisible(chromedp.ID("token")))
		// Tab through the page from the top: the skip link, then the fields
		// in reading order, then the buttons.
		var order []string
		for range 11 {
			run(t, ctx, "pressing Tab", chromedp.KeyEvent("\t"))
			order = append(order, eval[string](t, ctx, `document.activeElement.id || document.activeElement.className`))
		}
		want := []string{"skip", "token", "cert", "app_id", "channel", "uid", "account", "for", "now", "submit", "clear"}
		if strings.Join(order, " ") != strings.Join(want, " ") {
			t.Errorf("focus order %v, want %v", order, want)
		}
		// Type everything with key events only, moving with Tab; Enter submits.
		run(t, ctx, "typing the form",
			chromedp.Focus(chromedp.ID("token")), paste(tok), // the token box: pasted
			chromedp.KeyEvent("\t"), chromedp.KeyEvent(cert), // certificate
			chromedp.KeyEvent("\t"), chromedp.KeyEvent(exampleAppID), // app ID
			chromedp.KeyEvent("\t\t\t\t\t"), chromedp.KeyEvent(now), // channel, uid, account, for → judge at
			chromedp.KeyEvent("\r"))
		waitOutcome(t, ctx)
		if v := verdict(t, ctx); v != "ok" {
			t.Fatalf("verdict %q, want ok; error: %s", v, eval[string](t, ctx, `document.getElementById("error").textContent`))
		}
		if id := eval[string](t, ctx, `document.activeElement.id`); id != "verdict-heading" {
			t.Errorf("focus after the check is on %q, want the verdict heading", id)
		}
		summary := eval[string](t, ctx, `document.getElementById("summary").textContent`)
		if !strings.Contains(summary, "Signature: valid (primary certificate)") || !strings.Contains(summary, "2022-08-23T16:10:00Z") {
			t.Errorf("summary %q", summary)
		}
		f := fields(t, ctx)
		for field, want := range map[string][2]string{
			"version":                          {"007", "AccessToken2"},
			"app_id":                           {exampleAppID, "App ID"},
			"issue_ts":                         {"1661270015", "2022-08-23T15:53:35Z (16m 25s ago)"},
			"expire":                           {"3600", "lifetime 1h after issue"},
			"expire_at":                        {"1661273615", "2022-08-23T16:53:35Z (in 43m 35s)"},
			"services[0].type":                 {"1", "1 = rtc (RTC)"},
			"services[0].channel":              {"7d72365eb983485397e3e3f9d460bdda", "channel"},
			"services[0].uid":                  {"2882341273", "uid"},
			"services[0].privileges[0].id":     {"1", "1 = join_channel"},
			"services[0].privileges[0].expire": {"3600", "join_channel expires 2022-08-23T16:53:35Z (in 43m 35s)"},
		} {
			got, ok := f[field]
			if !ok {
				t.Errorf("no row for %s", field)
				continue
			}
			if got[0] != want[0] || !strings.Contains(got[1], want[1]) {
				t.Errorf("%s: %q / %q, want %q / …%q…", field, got[0], got[1], want[0], want[1])
			}
		}
		// Every number has a name: each service type and privilege id row
		// names what the number means.
		for k, v := range f {
			if (strings.HasSuffix(k, ".type") || strings.HasSuffix(k, ".id")) && !strings.Contains(v[1], " = ") {
				t.Errorf("%s = %s has no name: %q", k, v[0], v[1])
			}
		}
		for _, svc := range []string{"1 = rtc (RTC)", "2 = rtm (RTM)", "4 = fpa (FPA)", "5 = chat (Chat)", "7 = apaas (APaaS)"} {
			found := false
			for _, v := range f {
				if strings.HasPrefix(v[1], svc) {
					found = true
				}
			}
			if !found {
				t.Errorf("no service row %q", svc)
			}
		}
		// The sample token is valid; its only findings are warnings that it
		// uses Agora's published sample credentials.
		if n := eval[int](t, ctx, `document.querySelectorAll("#findings tbody tr.error").length`); n != 0 {
			t.Errorf("%d error findings for a valid token", n)
		}
		if txt := eval[string](t, ctx, `document.getElementById("findings").innerText`); !strings.Contains(txt, "sample_credentials") {
			t.Errorf("findings lack sample_credentials:\n%s", txt)
		}
		tl := eval[string](t, ctx, `document.getElementById("timeline").innerText`)
		for _, want := range []string{"issued", "token expires", "with 11 privileges: rtc join_channel, rtc publish_audio_stream", "valid"} {
			if !strings.Contains(tl, want) {
				t.Errorf("timeline lacks %q:\n%s", want, tl)
			}
		}
		// The certificate went in a POST body: not in the URL, still a password field.
		if u := eval[string](t, ctx, `location.href`); u != srv.URL+"/" {
			t.Errorf("page URL changed to %q", u)
		}
		if typ := eval[string](t, ctx, `document.getElementById("cert").type`); typ != "password" {
			t.Errorf("certificate field type %q", typ)
		}
		screenshot(t, ctx, "inspect-ok.png")
	})

	t.Run("expired token", func(t *testing.T) {
		ctx := newTab(t, browser)
		run(t, ctx, "loading the page", chromedp.Navigate(srv.URL+"/"))
		fill(t, ctx, form{token: tok, cert: cert, now: fmt.Sprint(exampleLater)})
		if v := verdict(t, ctx); v != "expired" {
			t.Fatalf("verdict %q, want expired", v)
		}
		fs := findings(t, ctx)
		var got *finding
		for i := range fs {
			if fs[i].Code == "expired" {
				got = &fs[i]
			}
		}
		if got == nil {
			t.Fatalf("no expired finding in %+v", fs)
		}
		if got.Severity != "error" || got.SDK != "109 ERR_TOKEN_EXPIRED" {
			t.Errorf("expired finding %+v", *got)
		}
		tl := eval[string](t, ctx, `document.getElementById("timeline").innerText`)
		if !strings.Contains(tl, "ended") || !strings.Contains(tl, "1h 16m 25s ago") {
			t.Errorf("timeline does not show the expiry as past:\n%s", tl)
		}
		screenshot(t, ctx, "inspect-expired.png")
	})

	t.Run("tampered token", func(t *testing.T) {
		ctx := newTab(t, browser)
		run(t, ctx, "loading the page", chromedp.Navigate(srv.URL+"/"))
		fill(t, ctx, form{token: tampered(t, tok), cert: cert, now: now})
		if v := verdict(t, ctx); v != "bad_signature" {
			t.Fatalf("verdict %q, want bad_signature", v)
		}
		fs := findings(t, ctx)
		if len(fs) == 0 || fs[0].Code != "bad_signature" || fs[0].Severity != "error" || fs[0].SDK != "110 ERR_INVALID_TOKEN" {
			t.Fatalf("findings %+v, want bad_signature first with SDK error 110", fs)
		}
		screenshot(t, ctx, "inspect-tampered.png")
	})

	t.Run("severities are coloured apart", func(t *testing.T) {
		ctx := newTab(t, browser)
		run(t, ctx, "loading the page", chromedp.Navigate(srv.URL+"/"))
		// No certificate (warning: signature_unchecked), a later time
		// (error: expired) and a wrong channel.
		fill(t, ctx, form{token: tok, channel: "lobby", now: fmt.Sprint(exampleLater)})
		colours := map[string]string{}
		for _, f := range findings(t, ctx) {
			colours[f.Severity] = f.Colour
		}
		if colours["error"] == "" || colours["warning"] == "" || colours["error"] == colours["warning"] {
			t.Errorf("error and warning rows not coloured apart: %v", colours)
		}
	})

	t.Run("legacy key", func(t *testing.T) {
		// A 005 media-channel key from testdata/vectors/005.json.
		ctx := newTab(t, browser)
		run(t, ctx, "loading the page", chromedp.Navigate(srv.URL+"/"))
		fill(t, ctx, form{token: "005AgAoADkyOUM5RTQ2MTg3QTAyMkJBQUIyNkI3QkYwMTg0MzhDNjc1Q0ZFMUEQAJcMo13mDERkW7roohUGGzOwKDdW9buDA68oN1YAAA==", now: now})
		if v := verdict(t, ctx); v == "" {
			t.Fatal("no verdict for a legacy key")
		}
		f := fields(t, ctx)
		if f["version"][0] != "005" || f["app_id"][0] == "" || f["legacy.unix_ts"][0] == "" {
			t.Errorf("legacy fields %v", f)
		}
	})

	t.Run("server error shown", func(t *testing.T) {
		ctx := newTab(t, browser)
		run(t, ctx, "loading the page", chromedp.Navigate(srv.URL+"/"))
		fill(t, ctx, form{token: tok, uid: "bob"})
		msg := eval[string](t, ctx, `document.getElementById("error").textContent`)
		if !strings.Contains(msg, `field "uid"`) {
			t.Errorf("error shown: %q", msg)
		}
	})

	t.Run("narrow screen", func(t *testing.T) {
		ctx := newTab(t, browser)
		run(t, ctx, "loading the page", chromedp.EmulateViewport(375, 740, chromedp.EmulateMobile), chromedp.Navigate(srv.URL+"/"))
		fill(t, ctx, form{token: tok, cert: cert, now: now})
		if v := verdict(t, ctx); v != "ok" {
			t.Fatalf("verdict %q", v)
		}
		if w := eval[[]int](t, ctx, `[document.documentElement.scrollWidth, document.documentElement.clientWidth]`); w[0] > w[1] {
			t.Errorf("page is %d px wide in a %d px screen: it scrolls sideways", w[0], w[1])
		}
		screenshot(t, ctx, "inspect-narrow.png")
	})
}
