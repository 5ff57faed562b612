// Package deploy holds no code: its test keeps the Dockerfile, the systemd
// unit, the example config and the nginx example true, since no container
// engine or init system runs here. `make docker-check` runs it.
package deploy

import (
	"bufio"
	"debug/elf"
	"errors"
	"maps"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// root is the repository, where the Dockerfile's build context starts.
const root = ".."

// instruction is one line of a Dockerfile, continuations joined.
type instruction struct {
	stage int    // 0 for the first FROM's stage, and so on
	cmd   string // upper case: RUN, COPY, ...
	args  string
}

func readDockerfile(t *testing.T) []instruction {
	t.Helper()
	f, err := os.Open(filepath.Join(root, "Dockerfile"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []instruction
	stage, line := -1, ""
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		text := strings.TrimSpace(sc.Text())
		if line == "" && (text == "" || strings.HasPrefix(text, "#")) {
			continue
		}
		if cont, ok := strings.CutSuffix(text, `\`); ok {
			line += cont + " "
			continue
		}
		line += text
		cmd, args, _ := strings.Cut(line, " ")
		cmd = strings.ToUpper(cmd)
		if cmd == "FROM" {
			stage++
		}
		out = append(out, instruction{stage: stage, cmd: cmd, args: strings.Join(strings.Fields(args), " ")})
		line = ""
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// only returns the args of the one instruction cmd of stage whose args match.
func only(t *testing.T, ins []instruction, stage int, cmd, contains string) string {
	t.Helper()
	var found []string
	for _, in := range ins {
		if in.stage == stage && in.cmd == cmd && strings.Contains(in.args, contains) {
			found = append(found, in.args)
		}
	}
	if len(found) != 1 {
		t.Fatalf("Dockerfile: want one %s %q in stage %d, found %q", cmd, contains, stage, found)
	}
	return found[0]
}

// outputFlag is a build command's -o and its path.
var outputFlag = regexp.MustCompile(`-o (\S+)`)

// makeBuild is the command of the Makefile's build target, in the shell's
// syntax: $(GO) is go, and $(VAR) is ${VAR}.
func makeBuild(t *testing.T) string {
	t.Helper()
	mk, err := os.ReadFile(filepath.Join(root, "Makefile"))
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^build:.*\n\t(.*)$`).FindStringSubmatch(string(mk))
	if m == nil {
		t.Fatal("Makefile: no build target with a command")
	}
	cmd := strings.ReplaceAll(m[1], "$(GO)", "go")
	return regexp.MustCompile(`\$\((\w+)\)`).ReplaceAllString(cmd, "$${$1}")
}

func TestDockerfileBuildsWhatMakeBuilds(t *testing.T) {
	ins := readDockerfile(t)
	build := only(t, ins, 0, "RUN", "go build")
	if got, want := outputFlag.ReplaceAllString(build, "-o OUT"), outputFlag.ReplaceAllString(makeBuild(t), "-o OUT"); got != want {
		t.Fatalf("the Dockerfile builds with\n\t%s\nbut `make build` with\n\t%s", got, want)
	}
	if !strings.HasPrefix(build, "CGO_ENABLED=0 ") {
		t.Errorf("the Dockerfile's build is not static (CGO_ENABLED=0): %s", build)
	}

	// Run the Dockerfile's own command, as `docker build` would, into a folder here.
	out := filepath.Join(t.TempDir(), "ftppanel")
	cmd := exec.Command("sh", "-c", outputFlag.ReplaceAllString(build, "-o "+out))
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "VERSION=v0.0.0-dockercheck", "COMMIT=0123456789ab")
	if msg, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("the Dockerfile's build command failed: %v\n%s", err, msg)
	}
	checkStatic(t, out)
	version, err := exec.Command(out, "version").Output()
	if err != nil {
		t.Fatalf("ftppanel version: %v", err)
	}
	for _, want := range []string{"ftppanel v0.0.0-dockercheck\n", "commit 0123456789ab\n"} {
		if !strings.Contains(string(version), want) {
			t.Errorf("the image's `ftppanel version` prints %q; the build's -X flags did not set %q", version, want)
		}
	}

	t.Run("image", func(t *testing.T) { checkImage(t, ins, out) })
	t.Run("systemd", func(t *testing.T) { checkUnit(t, out) })
}

// checkStatic fails unless the binary at path needs no dynamic loader and no
// shared library: it must run on an image with nothing else in it.
func checkStatic(t *testing.T, path string) {
	t.Helper()
	f, err := elf.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP || p.Type == elf.PT_DYNAMIC {
			t.Errorf("the binary is dynamically linked (it has %s)", p.Type)
		}
	}
	if libs, _ := f.ImportedLibraries(); len(libs) > 0 {
		t.Errorf("the binary needs shared libraries: %v", libs)
	}
}

// checkImage checks the final stage: a user other than root, the /data volume,
// the ports its environment sets, and a healthcheck that works.
func checkImage(t *testing.T, ins []instruction, bin string) {
	last := ins[len(ins)-1].stage
	env := map[string]string{}
	var exposed []string
	for _, in := range ins {
		if in.stage != last {
			continue
		}
		switch in.cmd {
		case "ENV":
			for _, kv := range strings.Fields(in.args) {
				k, v, _ := strings.Cut(kv, "=")
				env[k] = v
			}
		case "EXPOSE":
			exposed = append(exposed, strings.Fields(in.args)...)
		}
	}
	user := only(t, ins, last, "USER", "")
	if u, _, _ := strings.Cut(user, ":"); u == "root" || u == "0" {
		t.Errorf("the image runs as root (USER %s)", user)
	}
	if v := only(t, ins, last, "VOLUME", ""); v != "/data" || env["FTPPANEL_DATA"] != "/data" {
		t.Errorf("want VOLUME /data and FTPPANEL_DATA=/data, have VOLUME %s and FTPPANEL_DATA=%q", v, env["FTPPANEL_DATA"])
	}
	if !strings.Contains(only(t, ins, last, "COPY", "/data"), "--chown="+user) {
		t.Errorf("/data in the image is not owned by USER %s", user)
	}
	for _, name := range []string{"FTPPANEL_FTP_ADDR", "FTPPANEL_HTTP_ADDR"} {
		_, port, err := net.SplitHostPort(env[name])
		if err != nil || !slices.Contains(exposed, port) {
			t.Errorf("%s=%q: its port is not in EXPOSE %v", name, env[name], exposed)
		}
		if host, _, _ := net.SplitHostPort(env[name]); host != "" {
			t.Errorf("%s=%q: in a container it must listen on every address, so that -p reaches it", name, env[name])
		}
	}
	if passive := env["FTPPANEL_PASSIVE_PORTS"]; !slices.Contains(exposed, passive) {
		t.Errorf("the passive range %q is not exposed as a whole: EXPOSE %v", passive, exposed)
	}
	entry := only(t, ins, last, "ENTRYPOINT", "")
	binPath := strings.Trim(strings.TrimSuffix(strings.TrimPrefix(entry, "["), "]"), `"`)
	if !strings.HasSuffix(only(t, ins, last, "COPY", "ftppanel"), " "+binPath) {
		t.Errorf("ENTRYPOINT %s is not where the binary is copied", entry)
	}
	if cmd := only(t, ins, last, "CMD", ""); cmd != `["serve"]` {
		t.Errorf("CMD %s, want [\"serve\"]: the configuration comes from the environment", cmd)
	}
	health := only(t, ins, 1, "HEALTHCHECK", "")
	healthArgs := regexp.MustCompile(`CMD \["` + regexp.QuoteMeta(binPath) + `", "healthcheck"\]$`)
	if !healthArgs.MatchString(health) {
		t.Fatalf("HEALTHCHECK %s: want CMD [%q, \"healthcheck\"]", health, binPath)
	}

	// The image's command with its environment: the data in a folder here and
	// the ports on loopback, since this machine may use the image's.
	env["FTPPANEL_DATA"] = t.TempDir()
	env["FTPPANEL_FTP_ADDR"] = "127.0.0.1:0"
	env["FTPPANEL_HTTP_ADDR"] = "127.0.0.1:" + freePort(t)
	environ := []string{"FTPPANEL_BCRYPT_COST=4"}
	for k, v := range env {
		environ = append(environ, k+"="+v)
	}
	healthy := func() error {
		cmd := exec.Command(bin, "healthcheck")
		cmd.Env = environ
		msg, err := cmd.CombinedOutput()
		if err != nil {
			return errors.New(string(msg))
		}
		return nil
	}
	if healthy() == nil {
		t.Fatal("the healthcheck passes before the server runs")
	}
	printed, err := command(bin, environ, "serve", "--print-config").Output()
	if err != nil {
		t.Fatalf("serve --print-config with the image's environment: %v", err)
	}
	for k := range env {
		if !strings.Contains(string(printed), "# "+k+"\n") {
			t.Errorf("serve does not take %s from the environment:\n%s", k, printed)
		}
	}

	serve := command(bin, environ, "serve")
	var out strings.Builder
	serve.Stdout, serve.Stderr = &out, &out
	if err := serve.Start(); err != nil {
		t.Fatal(err)
	}
	stopped := make(chan error, 1)
	go func() { stopped <- serve.Wait() }()
	defer func() {
		serve.Process.Signal(syscall.SIGTERM)
		if err := <-stopped; err != nil {
			t.Errorf("serve did not stop cleanly on SIGTERM (as docker stop sends): %v\n%s", err, out.String())
		}
	}()
	deadline := time.Now().Add(20 * time.Second)
	for err := healthy(); err != nil; err = healthy() {
		if time.Now().After(deadline) {
			t.Fatalf("the healthcheck still fails: %v\nserve printed:\n%s", err, out.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func command(bin string, environ []string, args ...string) *exec.Cmd {
	cmd := exec.Command(bin, args...)
	cmd.Env = environ
	return cmd
}

func freePort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return strconv.Itoa(ln.Addr().(*net.TCPAddr).Port)
}

// unit reads a systemd unit: key → values, in order.
func unit(t *testing.T, path string) map[string][]string {
	t.Helper()
	text, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	keys := map[string][]string{}
	for _, line := range strings.Split(string(text), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") || strings.HasPrefix(line, "[") {
			continue
		}
		k, v, ok := strings.Cut(line, "=")
		if !ok {
			t.Fatalf("%s: not KEY=VALUE: %q", path, line)
		}
		keys[k] = append(keys[k], v)
	}
	return keys
}

// checkUnit checks the systemd unit's hardening, and that the binary accepts
// its command line, its environment and the example config file.
func checkUnit(t *testing.T, bin string) {
	u := unit(t, "ftppanel.service")
	for key, want := range map[string]string{
		"User":                  "ftppanel",
		"NoNewPrivileges":       "yes",
		"ProtectSystem":         "strict",
		"ReadWritePaths":        "/var/lib/ftppanel",
		"StateDirectory":        "ftppanel",
		"AmbientCapabilities":   "CAP_NET_BIND_SERVICE",
		"CapabilityBoundingSet": "CAP_NET_BIND_SERVICE",
		"PrivateTmp":            "yes",
		"ProtectHome":           "yes",
		"KillSignal":            "SIGTERM",
	} {
		if !slices.Contains(u[key], want) {
			t.Errorf("ftppanel.service: want %s=%s, have %q", key, want, u[key])
		}
	}
	environ := slices.Clone(u["Environment"])
	if !slices.Contains(environ, "FTPPANEL_DATA="+u["ReadWritePaths"][0]) {
		t.Errorf("ftppanel.service: the data directory is not the one writable (ReadWritePaths=%s): %q", u["ReadWritePaths"][0], environ)
	}
	for i, e := range environ {
		if strings.HasPrefix(e, "FTPPANEL_CONFIG=") {
			environ[i] = "FTPPANEL_CONFIG=ftppanel.toml" // the example the README installs there
		}
	}
	execStart := strings.Fields(u["ExecStart"][0])
	if execStart[0] != "/usr/local/bin/ftppanel" {
		t.Errorf("ExecStart runs %s, not where the README installs ftppanel", execStart[0])
	}
	printed, err := command(bin, environ, append(execStart[1:], "--print-config")...).CombinedOutput()
	if err != nil {
		t.Fatalf("the unit's command, environment and the example config fail: %v\n%s", err, printed)
	}
	if !strings.Contains(string(printed), `ftp-addr = ":21"`) {
		t.Errorf("the example config does not put FTP on port 21, which the unit's capability is for:\n%s", printed)
	}
	checkNginx(t, string(printed))
}

// checkNginx checks that the nginx example proxies to the panel where the
// example config puts it, keeps the base path, sets the headers ftppanel
// believes from a trusted proxy, and does not buffer the live stream.
func checkNginx(t *testing.T, config string) {
	option := func(name string) string {
		m := regexp.MustCompile(`(?m)^` + name + ` = "([^"]*)"`).FindStringSubmatch(config)
		if m == nil {
			t.Fatalf("the example config has no %s:\n%s", name, config)
		}
		return m[1]
	}
	base, addr, trusted := option("base-path"), option("http-addr"), option("trusted-proxies")
	if !strings.Contains(trusted, "127.0.0.1/32") {
		t.Errorf("the example config does not trust nginx on 127.0.0.1: trusted-proxies = %q", trusted)
	}
	text, err := os.ReadFile("nginx.conf")
	if err != nil {
		t.Fatal(err)
	}
	locations := map[string]string{}
	for _, m := range regexp.MustCompile(`(?s)location (\S+) \{(.*?)\n    \}`).FindAllStringSubmatch(string(text), -1) {
		locations[m[1]] = regexp.MustCompile(`(?m)^\s*#.*$`).ReplaceAllString(m[2], "") // comments say nothing
	}
	for _, path := range []string{base + "/", base + "/sessions/live"} {
		block, ok := locations[path]
		if !ok {
			t.Errorf("nginx.conf has no location %s (have %v)", path, slices.Sorted(maps.Keys(locations)))
			continue
		}
		for _, want := range []string{
			"proxy_pass http://" + addr + ";", // no path: the prefix is kept
			"proxy_set_header Host $host;",
			"proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;",
			"proxy_set_header X-Forwarded-Proto $scheme;",
		} {
			if !strings.Contains(block, want) {
				t.Errorf("nginx.conf, location %s: no %q", path, want)
			}
		}
	}
	for _, want := range []string{"proxy_buffering off;", "proxy_read_timeout"} {
		if !strings.Contains(locations[base+"/sessions/live"], want) {
			t.Errorf("nginx.conf: the live stream's location lacks %q", want)
		}
	}
}
