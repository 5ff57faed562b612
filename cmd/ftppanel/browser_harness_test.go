package main

import (
	"context"
	"fmt"
	"io"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
)

// The browser tests drive Debian's Chromium through the DevTools protocol. Each
// test runs its own headless Chromium with a fresh profile, and each panel user
// gets a tab in a browser context of its own, so cookies never mix.

// browserStep bounds one step in the browser (a navigation, a wait, a click), so
// a page that never shows what a test waits for fails the test instead of
// hanging it.
const browserStep = 30 * time.Second

// The viewports the tests look through, in CSS pixels: a laptop's and a small
// phone's.
const (
	desktopWidth, desktopHeight = 1280, 800
	phoneWidth, phoneHeight     = 375, 740
)

// chromiumPath finds the Chromium binary. Without one the test is skipped, except
// under CI, which always installs it.
func chromiumPath(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser"} {
		if path, err := exec.LookPath(name); err == nil {
			return path
		}
	}
	missing(t, "browser test", "no Chromium binary (chromium or chromium-browser) on PATH; install Debian's with `apt-get install chromium`")
	return ""
}

// startChromium runs a headless Chromium with a fresh profile for the rest of the
// test and stops it, with every process it started, when the test ends.
func startChromium(t *testing.T) context.Context {
	t.Helper()
	path := chromiumPath(t)
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.WindowSize(desktopWidth, desktopHeight),
	)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(allocCtx)
	stop := func() {
		// Close the browser gracefully, then wait for its processes to end.
		chromedp.Cancel(ctx)
		cancel()
		cancelAlloc()
	}
	if err := chromedp.Do(ctx); err != nil {
		stop()
		t.Fatalf("start Chromium (%s): %v", path, err)
	}
	t.Cleanup(stop)
	return ctx
}

// tab is one panel user's browser: a tab with its own cookies.
type tab struct {
	t    *testing.T
	in   *instance
	ctx  context.Context
	name string // who this is, for screenshots and messages
	// noScript is set for a visitor with JavaScript off: its list does not update
	// itself, so waiting for a row means reloading.
	noScript bool
}

// newTab opens a tab in a fresh browser context of chrome, as a new visitor.
func (in *instance) newTab(t *testing.T, chrome context.Context, name string) *tab {
	t.Helper()
	ctx, cancel := chromedp.NewContext(chrome, chromedp.WithNewBrowserContext())
	// The first step opens the tab, which lives as long as the context of that
	// step: so no deadline here.
	if err := chromedp.Do(ctx); err != nil {
		cancel()
		t.Fatalf("open a tab for %s: %v", name, err)
	}
	watchConsole(t, ctx, cancel, name)
	tb := &tab{t: t, in: in, ctx: ctx, name: name}
	tb.do("size the window", chromedp.EmulateViewport(desktopWidth, desktopHeight))
	return tb
}

// watchConsole fails the test, when the tab closes, if its pages threw an
// exception or logged an error, such as something the Content-Security-Policy
// refused. Network errors are left out: a wrong password's 401 and a 404 page
// are answers the tests ask for.
func watchConsole(t *testing.T, ctx context.Context, closeTab context.CancelFunc, name string) {
	messages := chromedp.Console(ctx)
	var mu sync.Mutex
	var problems []string
	done := make(chan struct{})
	go func() {
		defer close(done)
		for m, err := range messages {
			if err != nil {
				return // the tab closed
			}
			if (m.IsException() || m.Type == chromedp.ConsoleError) && m.Source != "network" {
				mu.Lock()
				problems = append(problems, fmt.Sprintf("%s (%s:%d)", m, m.URL, m.Line+1))
				mu.Unlock()
			}
		}
	}()
	t.Cleanup(func() {
		closeTab()
		<-done
		for _, p := range problems {
			t.Errorf("%s's browser console: %s", name, p)
		}
	})
}

// do runs browser steps in order and fails the test at the first that fails.
func (tb *tab) do(what string, steps ...chromedp.Action[chromedp.Void]) {
	tb.t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, browserStep)
	defer cancel()
	if err := chromedp.Do(ctx, steps...); err != nil {
		tb.failed(what, err)
	}
}

// inTab runs one browser step that returns a value.
func inTab[T any](tb *tab, what string, step chromedp.Action[T]) T {
	tb.t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, browserStep)
	defer cancel()
	v, err := chromedp.Run(ctx, step)
	if err != nil {
		tb.failed(what, err)
	}
	return v
}

// failed keeps a screenshot of what the browser showed and stops the test.
func (tb *tab) failed(what string, err error) {
	tb.t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, 5*time.Second)
	defer cancel()
	if png, shotErr := chromedp.Run(ctx, chromedp.FullScreenshot(100)); shotErr == nil {
		tb.savePNG("failed", png)
	}
	url, _ := chromedp.Run(ctx, chromedp.Location())
	tb.t.Fatalf("%s's browser at %s: %s: %v", tb.name, url, what, err)
}

// js evaluates a JavaScript expression in the page and decodes its value.
func js[T any](tb *tab, expr string) T {
	tb.t.Helper()
	return inTab(tb, "evaluate "+expr, chromedp.Evaluate[T](expr))
}

// call sends a DevTools command to the tab.
func call[P, R any](tb *tab, cmd cdp.Command[P, R], params P) R {
	tb.t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, browserStep)
	defer cancel()
	r, err := chromedp.Call(ctx, cmd, params)
	if err != nil {
		tb.failed(cmd.Method, err)
	}
	return r
}

// waitUntil waits until a JavaScript expression in the page is true.
func (tb *tab) waitUntil(what, expr string) {
	tb.t.Helper()
	inTab(tb, "wait until "+what, chromedp.Poll[bool](expr, chromedp.WithPollingTimeout(browserStep)))
}

// open loads a panel page.
func (tb *tab) open(path string) {
	tb.t.Helper()
	tb.do("open "+path, chromedp.Navigate(tb.in.panelURL+path))
}

// submit clicks a control that submits a form and waits for the next page to load.
func (tb *tab) submit(what string, sel chromedp.CSS) {
	tb.t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, browserStep)
	defer cancel()
	if _, err := chromedp.RunResponse(ctx, chromedp.Click(sel)); err != nil {
		tb.failed(what, err)
	}
}

// path is the path of the page the tab shows, without a query, and without
// the panel's base path.
func (tb *tab) path() string {
	tb.t.Helper()
	loc := inTab(tb, "read the address", chromedp.Location())
	u, err := url.Parse(loc)
	if err != nil || !strings.HasPrefix(loc, tb.in.panelURL+"/") {
		tb.t.Fatalf("%s's browser left the panel for %q", tb.name, loc)
	}
	return strings.TrimPrefix(u.Path, tb.in.basePath())
}

// text is the text of the first element that sel matches, as a person sees it,
// with white space collapsed. It does not wait: the element must be there.
func (tb *tab) text(sel string) string {
	tb.t.Helper()
	return js[string](tb, fmt.Sprintf(`(function () {
		var el = document.querySelector(%q);
		if (!el) throw new Error("no element matches " + %[1]q);
		return el.innerText.replace(/\s+/g, " ").trim();
	})()`, sel))
}

// query is JavaScript for the first element that sel matches.
func query(sel string) string { return fmt.Sprintf("document.querySelector(%q)", sel) }

// count is how many elements sel matches.
func (tb *tab) count(sel string) int {
	tb.t.Helper()
	return js[int](tb, fmt.Sprintf(`document.querySelectorAll(%q).length`, sel))
}

// signIn signs in through the login form and expects the sessions page.
func (tb *tab) signIn(user, password string) {
	tb.t.Helper()
	tb.open("/login")
	tb.do("fill in the sign-in form",
		chromedp.SendKeys(chromedp.ID("username"), user),
		chromedp.SendKeys(chromedp.ID("password"), password),
	)
	tb.submit("sign in as "+user, `form.login button[type="submit"]`)
	if got := tb.path(); got != "/sessions" {
		tb.t.Fatalf("after signing in as %s the browser shows %s, want /sessions", user, got)
	}
}

// rowSelector selects the table row of a session.
func rowSelector(id string) string { return fmt.Sprintf(`tr[data-session-id=%q]`, id) }

// rowFor reloads the list until it shows a row whose login cell is login, and
// returns the session's ID.
func (tb *tab) rowFor(login string) string {
	tb.t.Helper()
	find := fmt.Sprintf(`(function () {
		var rows = document.querySelectorAll("tr[data-session-id]");
		for (var i = 0; i < rows.length; i++) {
			var cell = rows[i].querySelector('td[data-label="Login"]');
			if (cell && cell.textContent.trim() === %q) return rows[i].dataset.sessionId;
		}
		return "";
	})()`, login)
	tb.openLive()
	var id string
	waitFor(tb.t, "a row for "+login+" in "+tb.name+"'s browser", func() bool {
		if tb.noScript {
			tb.open("/sessions")
		}
		id = js[string](tb, find)
		return id != ""
	})
	tb.stillSamePage()
	return id
}

// openLive opens the list if it is not open, and marks the page so that
// stillSamePage can tell an update pushed by the server from a reload.
func (tb *tab) openLive() {
	tb.t.Helper()
	if !js[bool](tb, fmt.Sprintf(`location.pathname === %q && !location.search`, tb.in.basePath()+"/sessions")) {
		tb.open("/sessions")
	}
	if !tb.noScript {
		js[bool](tb, `(window.ftppanelNotReloaded = true)`)
	}
}

// stillSamePage fails the test if the list was reloaded since openLive.
func (tb *tab) stillSamePage() {
	tb.t.Helper()
	if !tb.noScript && !js[bool](tb, `window.ftppanelNotReloaded === true`) {
		tb.t.Fatal("the list was reloaded; it should have updated itself")
	}
}

// waitState waits, without reloading, until the row of session id shows state.
func (tb *tab) waitState(id, state string) {
	tb.t.Helper()
	cell := query(rowSelector(id) + " td.state")
	tb.openLive()
	waitFor(tb.t, "session "+id+" to be "+state+" in "+tb.name+"'s browser", func() bool {
		if tb.noScript {
			tb.open("/sessions")
		}
		return js[string](tb, `(`+cell+` || {dataset: {}}).dataset.state`) == state
	})
	tb.stillSamePage()
}

// startDownload has login fetch a large file and read only its first bytes, so
// its session shows a download in progress until the test ends.
func (in *instance) startDownload(t *testing.T, customer, login string) {
	t.Helper()
	const name, size = "site-backup.tar.gz", 64 << 20
	writeFile(t, filepath.Join(in.home(customer, login), name), size)
	c := in.ftpLogin(login)
	r, err := c.Retr(name)
	if err != nil {
		t.Fatalf("%s: RETR %s: %v", login, name, err)
	}
	t.Cleanup(func() { r.Close() })
	if _, err := io.ReadFull(r, make([]byte, 1<<20)); err != nil {
		t.Fatalf("%s: read the start of %s: %v", login, name, err)
	}
}

// setTimeZone makes the page see the given IANA time zone and locale.
func (tb *tab) setTimeZone(zone, locale string) {
	tb.t.Helper()
	call(tb, emulation.SetTimezoneOverride, emulation.SetTimezoneOverrideParams{TimezoneID: zone})
	call(tb, emulation.SetLocaleOverride, emulation.SetLocaleOverrideParams{Locale: locale})
}

// disableJavaScript turns off scripts in the tab, as a visitor with JavaScript off.
func (tb *tab) disableJavaScript() {
	tb.t.Helper()
	call(tb, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true})
	tb.noScript = true
}

// phone makes the tab a small phone's screen.
func (tb *tab) phone() {
	tb.t.Helper()
	tb.do("emulate a phone", chromedp.EmulateViewport(phoneWidth, phoneHeight, chromedp.EmulateMobile, chromedp.EmulateTouch))
}

// Screenshots go into FTPPANEL_SCREENSHOTS when it is set (`make test` sets it),
// otherwise into a new temporary folder that outlives the test run, so a person
// can look at what the browser saw.
var screenshotDir = sync.OnceValues(func() (string, error) {
	if dir := os.Getenv("FTPPANEL_SCREENSHOTS"); dir != "" {
		return dir, os.MkdirAll(dir, 0o755)
	}
	return os.MkdirTemp("", "ftppanel-screenshots-")
})

var (
	shotCount    sync.Map // test name → *atomic.Int32, to number each test's screenshots in order
	unsafeInName = regexp.MustCompile(`[^A-Za-z0-9_.-]+`)
)

// screenshot saves the page as TEST-NN-NAME.png: all of it, or what the screen
// shows while a dialog is open, as the dialog's backdrop covers only that.
func (tb *tab) screenshot(name string) {
	tb.t.Helper()
	shot := chromedp.FullScreenshot(100)
	if js[bool](tb, `document.querySelector("dialog[open]") !== null`) {
		shot = chromedp.CaptureScreenshot()
	}
	tb.savePNG(name, inTab(tb, "take a screenshot", shot))
}

func (tb *tab) savePNG(name string, png []byte) {
	tb.t.Helper()
	dir, err := screenshotDir()
	if err != nil {
		tb.t.Errorf("screenshot folder: %v", err)
		return
	}
	n, _ := shotCount.LoadOrStore(tb.t.Name(), new(atomic.Int32))
	seq := n.(*atomic.Int32).Add(1)
	if seq == 1 {
		tb.t.Logf("screenshots in %s", dir)
	}
	file := fmt.Sprintf("%s-%02d-%s.png", unsafeInName.ReplaceAllString(tb.t.Name(), "_"), seq, unsafeInName.ReplaceAllString(name, "-"))
	if err := os.WriteFile(filepath.Join(dir, file), png, 0o644); err != nil {
		tb.t.Errorf("save screenshot: %v", err)
	}
}

// axeScript is axe-core's browser script, from FTPPANEL_AXE_JS (`make test` sets
// it after installing axe-core with npm) or from where `make axe` puts it. Without
// it the accessibility check is skipped, except under CI.
func axeScript(t *testing.T) string {
	t.Helper()
	path := os.Getenv("FTPPANEL_AXE_JS")
	if path == "" {
		path = filepath.Join("..", "..", ".cache", "axe", "node_modules", "axe-core", "axe.min.js")
	}
	src, err := os.ReadFile(path)
	if err != nil {
		missing(t, "accessibility check", fmt.Sprintf("axe-core not found (%v); `make test` installs it with npm, or set FTPPANEL_AXE_JS to axe.min.js", err))
	}
	return string(src)
}

// axeViolation is one rule that axe-core found broken, with the elements that break it.
type axeViolation struct {
	ID     string `json:"id"`
	Impact string `json:"impact"`
	Help   string `json:"help"`
	Nodes  []struct {
		Target         []any  `json:"target"`
		FailureSummary string `json:"failureSummary"`
	} `json:"nodes"`
}

func (v axeViolation) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s (%s): %s", v.ID, v.Impact, v.Help)
	for _, n := range v.Nodes {
		fmt.Fprintf(&b, "\n\t%v: %s", n.Target, strings.ReplaceAll(n.FailureSummary, "\n", "\n\t\t"))
	}
	return b.String()
}

// checkAccessibility runs axe-core on the page as it is now and fails the test on
// any serious or critical violation; lesser ones are logged.
func (tb *tab) checkAccessibility(axe, what string) {
	tb.t.Helper()
	if !js[bool](tb, `typeof window.axe === "object"`) {
		tb.do("load axe-core", chromedp.Evaluate[chromedp.Void](axe))
	}
	violations := inTab(tb, "run axe-core on "+what, chromedp.Evaluate[[]axeViolation](
		`axe.run(document, {resultTypes: ["violations"]}).then(function (r) { return r.violations; })`,
		chromedp.EvalAwaitPromise))
	for _, v := range violations {
		if v.Impact == "serious" || v.Impact == "critical" {
			tb.t.Errorf("accessibility of %s: %s", what, v)
		} else {
			tb.t.Logf("accessibility of %s, minor: %s", what, v)
		}
	}
}
