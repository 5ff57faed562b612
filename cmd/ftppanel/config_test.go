package main

import (
	"context"
	"flag"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"
)

// envMap is an environment for run: the variables given, with cheap password
// hashing as in testEnv.
func envMap(vars map[string]string) env {
	return func(name string) string {
		if v, ok := vars[name]; ok {
			return v
		}
		return testEnv(name)
	}
}

// runCmd runs ftppanel with args and an environment, and returns what it printed.
func runCmd(t *testing.T, getenv env, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	var out, errOut syncBuffer
	err = run(context.Background(), append([]string{"ftppanel"}, args...), getenv, strings.NewReader(""), &out, &errOut)
	return out.String(), errOut.String(), err
}

// writeConfig writes a config file and returns its path.
func writeConfig(t *testing.T, text string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "ftppanel.toml")
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// printedConfig reads --print-config's output: option → value and source.
func printedConfig(t *testing.T, out string) map[string][2]string {
	t.Helper()
	got := map[string][2]string{}
	line := regexp.MustCompile(`^([a-z-]+) = (.*?)\s+# (.*)$`)
	for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
		if strings.HasPrefix(l, "#") {
			continue
		}
		m := line.FindStringSubmatch(l)
		if m == nil {
			t.Fatalf("--print-config printed a line that is not `key = value  # source`: %q", l)
		}
		got[m[1]] = [2]string{m[2], m[3]}
	}
	return got
}

func TestConfigPrecedence(t *testing.T) {
	t.Parallel()
	file := writeConfig(t, `
# ftppanel's settings
ftp-addr = ":2100"
http-addr = "0.0.0.0:8000"
passive-ports = "51000-51010"
history-days = 7
idle-timeout = "20m"
`)
	getenv := envMap(map[string]string{
		"FTPPANEL_HTTP_ADDR":    "127.0.0.1:9000",
		"FTPPANEL_IDLE_TIMEOUT": "10m",
		"FTPPANEL_DATA":         "/srv/ftppanel",
	})
	out, _, err := runCmd(t, getenv, "serve", "--config", file, "--idle-timeout", "5m", "--print-config")
	if err != nil {
		t.Fatalf("--print-config: %v", err)
	}
	got := printedConfig(t, out)
	want := map[string][2]string{
		"ftp-addr":      {`":2100"`, "config file " + file},
		"http-addr":     {`"127.0.0.1:9000"`, "FTPPANEL_HTTP_ADDR"},
		"idle-timeout":  {`"5m0s"`, "--idle-timeout"},
		"passive-ports": {`"51000-51010"`, "config file " + file},
		"history-days":  {`7`, "config file " + file},
		"data":          {`"/srv/ftppanel"`, "FTPPANEL_DATA"},
		"idle-warning":  {`"5m0s"`, "default"},
	}
	for name, w := range want {
		if got[name] != w {
			t.Errorf("%s: printed %q, want %q", name, got[name], w)
		}
	}
	// Every option is printed, and the output is itself a config file that
	// gives the same configuration.
	fs := serveFlags(t)
	fs.VisitAll(func(f *flag.Flag) {
		if _, ok := got[f.Name]; !ok && settable(f.Name) {
			t.Errorf("--print-config left out %s", f.Name)
		}
	})
	again, _, err := runCmd(t, testEnv, "serve", "--config", writeConfig(t, out), "--print-config")
	if err != nil {
		t.Fatalf("--print-config's output does not load as a config file: %v", err)
	}
	for name, v := range printedConfig(t, again) {
		if v[0] != got[name][0] {
			t.Errorf("%s is %s when loaded from --print-config's output, was %s", name, v[0], got[name][0])
		}
	}

	// The config file can also be named in the environment.
	out, _, err = runCmd(t, envMap(map[string]string{"FTPPANEL_CONFIG": file}), "serve", "--print-config")
	if err != nil || printedConfig(t, out)["ftp-addr"][0] != `":2100"` {
		t.Errorf("FTPPANEL_CONFIG was not read (%v):\n%s", err, out)
	}
}

// serveFlags is serve's flag set, as its options are defined.
func serveFlags(t *testing.T) *flag.FlagSet {
	t.Helper()
	var fs *flag.FlagSet
	c := &cli{prog: "ftppanel", getenv: testEnv, stdin: strings.NewReader(""), stdout: &syncBuffer{}, stderr: &syncBuffer{},
		inspectFlags: func(f *flag.FlagSet) { fs = f }}
	if err := c.serve(context.Background(), nil); err != nil || fs == nil {
		t.Fatalf("serve's flags: %v", err)
	}
	return fs
}

func TestConfigRefusesBadFilesAndValues(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, file string
		env        map[string]string
		want       []string
	}{
		{"unknown key", "ftp-addr = \":21\"\nlisten = \":80\"\n", nil,
			[]string{`key "listen"`, "unknown key", "ftp-addr"}},
		{"underscore instead of dash", "ftp_addr = \":21\"\n", nil,
			[]string{`key "ftp_addr"`, `did you mean "ftp-addr"?`}},
		{"bad duration", "idle-timeout = \"5 minutes\"\n", nil,
			[]string{`key "idle-timeout"`, `"5 minutes" is not a duration`}},
		{"bad number", "history-days = \"a month\"\n", nil,
			[]string{`key "history-days"`, `"a month" is not a whole number`}},
		{"unusable value", "passive-ports = \"60000-50000\"\n", nil,
			[]string{`key "passive-ports"`, "LOW <= HIGH"}},
		{"too short", "idle-timeout = \"10ms\"\n", nil,
			[]string{`key "idle-timeout"`, "at least 1s"}},
		{"a list for one value", "ftp-addr = [\":21\", \":2121\"]\n", nil,
			[]string{`key "ftp-addr"`, "is a list"}},
		{"a section", "[ftp]\naddr = \":21\"\n", nil,
			[]string{`key "ftp"`, "unknown key"}},
		{"config in the config", "config = \"/etc/other.toml\"\n", nil,
			[]string{`key "config"`, "only taken on the command line"}},
		{"not TOML", "ftp-addr = :21\n", nil,
			[]string{"line 1"}},
		{"bad environment", "", map[string]string{"FTPPANEL_HISTORY_DAYS": "forever"},
			[]string{`FTPPANEL_HISTORY_DAYS="forever"`, "not a whole number"}},
		{"unusable environment", "", map[string]string{"FTPPANEL_PASSIVE_PORTS": "21"},
			[]string{"FTPPANEL_PASSIVE_PORTS", "not a port range"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			file := writeConfig(t, tc.file)
			out, _, err := runCmd(t, envMap(tc.env), "serve", "--config", file, "--print-config")
			if err == nil {
				t.Fatalf("accepted; printed:\n%s", out)
			}
			if tc.env == nil {
				tc.want = append(tc.want, "config file "+file)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not say %q", err, w)
				}
			}
		})
	}

	t.Run("missing file", func(t *testing.T) {
		missing := filepath.Join(t.TempDir(), "nowhere.toml")
		_, _, err := runCmd(t, testEnv, "serve", "--config", missing)
		if err == nil || !strings.Contains(err.Error(), missing) || !strings.Contains(err.Error(), "no such file") {
			t.Errorf("a missing config file: %v", err)
		}
	})

	// The command line wins: a bad value in the environment under a flag is
	// not read.
	t.Run("flag over bad environment", func(t *testing.T) {
		_, _, err := runCmd(t, envMap(map[string]string{"FTPPANEL_HISTORY_DAYS": "forever"}),
			"serve", "--history-days", "3", "--print-config")
		if err != nil {
			t.Errorf("a flag should hide the environment's value: %v", err)
		}
	})
}

func TestServeFromEnvironmentAndConfigFile(t *testing.T) {
	t.Parallel()
	data := filepath.Join(t.TempDir(), "data")
	file := writeConfig(t, `
ftp-addr = "127.0.0.1:0"
http-addr = "127.0.0.1:0"
passive-ports = "40000-40999"
`)
	getenv := envMap(map[string]string{"FTPPANEL_CONFIG": file, "FTPPANEL_DATA": data})
	ctx, cancel := context.WithCancel(context.Background())
	var stdout, stderr syncBuffer
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"ftppanel", "serve"}, getenv, strings.NewReader(""), &stdout, &stderr)
	}()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serve: %v\n%s", err, stderr.String())
		}
	}()
	var m []string
	waitFor(t, "the server to listen", func() bool {
		m = listenLine.FindStringSubmatch(stdout.String())
		return m != nil
	})
	resp, err := http.Get(m[2] + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("/healthz: %d", resp.StatusCode)
	}
	if _, err := os.Stat(filepath.Join(data, "ftppanel.db")); err != nil {
		t.Errorf("the database is not in FTPPANEL_DATA: %v", err)
	}
	// The other commands find the same data directory through FTPPANEL_DATA.
	var out syncBuffer
	if err := run(context.Background(), []string{"ftppanel", "customer", "add", "acme"}, getenv,
		strings.NewReader("acme-password\n"), &out, &out); err != nil {
		t.Fatalf("customer add: %v\n%s", err, out.String())
	}
	b := (&instance{t: t, panelURL: m[2]}).browser()
	resp2 := b.post("/login", map[string][]string{"username": {"acme"}, "password": {"acme-password"}})
	if resp2.status != http.StatusSeeOther {
		t.Errorf("acme, added with FTPPANEL_DATA, cannot sign in: %d", resp2.status)
	}
}

func TestServeHelpListsEveryOptionWithItsVariable(t *testing.T) {
	t.Parallel()
	_, help, err := runCmd(t, testEnv, "serve", "--help")
	if err != nil {
		t.Fatalf("serve --help: %v", err)
	}
	serveFlags(t).VisitAll(func(f *flag.Flag) {
		if !strings.Contains(help, "-"+f.Name) {
			t.Errorf("serve --help does not show --%s", f.Name)
		}
		if settable(f.Name) && !strings.Contains(help, envName(f.Name)) {
			t.Errorf("serve --help does not name %s for --%s", envName(f.Name), f.Name)
		}
	})
	if _, usage, _ := runCmd(t, testEnv); !strings.Contains(usage, `"serve --help" lists them`) {
		t.Errorf("ftppanel's usage does not say where serve's options are listed:\n%s", usage)
	}
}

func TestVersion(t *testing.T) {
	t.Parallel()
	out, _, err := runCmd(t, testEnv, "version")
	if err != nil {
		t.Fatal(err)
	}
	want := "ftppanel dev\ncommit dev\n" + runtime.Version() + " " + runtime.GOOS + "/" + runtime.GOARCH + "\n"
	if out != want {
		t.Errorf("version printed %q, want %q", out, want)
	}
}

func TestPrintConfigMasksSecrets(t *testing.T) {
	t.Parallel()
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.String("smtp-password", "", "")
	fs.String("api-token", "", "")
	fs.String("ftp-addr", ":2121", "")
	c := &cli{prog: "ftppanel", getenv: envMap(map[string]string{"FTPPANEL_SMTP_PASSWORD": "hunter2-hunter2"}),
		stdout: &syncBuffer{}, stderr: &syncBuffer{}}
	cfg, _, _, err := c.parseConfig(fs, []string{"--api-token", "tok_secret"})
	if err != nil {
		t.Fatal(err)
	}
	var out syncBuffer
	if err := cfg.write(&out, "serve"); err != nil {
		t.Fatal(err)
	}
	got := printedConfig(t, out.String())
	for name, source := range map[string]string{"smtp-password": "FTPPANEL_SMTP_PASSWORD", "api-token": "--api-token"} {
		if got[name] != [2]string{`"********"`, source} {
			t.Errorf("%s printed as %q, want masked, from %s", name, got[name], source)
		}
	}
	if strings.Contains(out.String(), "hunter2") || strings.Contains(out.String(), "tok_secret") {
		t.Errorf("a secret was printed:\n%s", out.String())
	}
	if got["ftp-addr"][0] != `":2121"` {
		t.Errorf("ftp-addr printed as %q", got["ftp-addr"])
	}
}
