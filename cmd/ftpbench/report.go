package main

import (
	"bytes"
	"debug/buildinfo"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// row is one line of the table.
type row struct {
	measure, target, unit string
	rounds                int

	// Per-round values by server, for the measures run on both.
	values         map[string][]float64
	higherIsBetter bool
	wantRatio      float64 // the target as ftppanel / vsftpd, when it is one
	wantMax        float64 // the target as ftppanel's most, when it is one
	// secs are the seconds each round took, by server, when the row shows
	// them beside its values.
	secs map[string][]float64

	// The servers' CPU time per unit of work (a GB, a login), by server.
	cpu      map[string][]float64
	cpuUnit  string
	cpuScale float64 // from seconds to cpuUnit's
	// wantCPURatio, when set, is part of the target too: ftppanel's CPU time
	// over vsftpd's at most this.
	wantCPURatio float64

	// Latencies, for the measures run on ftppanel alone.
	latencies []time.Duration
	p99Limit  time.Duration // 0: no target to meet
	note      string

	// One value for each part of the measure (the nodes of a fleet), when
	// measured so; the target, if any, is wantMax for every one of them.
	parts []part
	// vs is the vsftpd column when it has something else to say than
	// the row's kind does.
	vs string
	// wrong says why the measure could not be taken as planned; the target is
	// then not met.
	wrong string
}

// part is one part's value in a row.
type part struct {
	name  string
	value float64
}

func latencyRow(measure, target string, d []time.Duration) row {
	slices.Sort(d)
	return row{measure: measure, target: target, latencies: d}
}

// percentile is the nearest-rank percentile of sorted values.
func percentile(d []time.Duration, p float64) time.Duration {
	if len(d) == 0 {
		return 0
	}
	i := int(math.Ceil(p/100*float64(len(d)))) - 1
	return d[max(0, min(i, len(d)-1))]
}

func median(v []float64) float64 {
	s := slices.Clone(v)
	slices.Sort(s)
	if n := len(s); n%2 == 1 {
		return s[n/2]
	} else {
		return (s[n/2-1] + s[n/2]) / 2
	}
}

func ms(d time.Duration) string { return strconv.FormatFloat(float64(d)/1e6, 'f', 2, 64) + " ms" }

// cell is ftppanel's result.
func (r row) cell() string {
	if r.wrong != "" {
		c := "not measured: " + r.wrong
		if r.note != "" {
			c += "; " + r.note
		}
		return c
	}
	if r.parts != nil {
		var c []string
		for _, p := range r.parts {
			c = append(c, fmt.Sprintf("%s %s", p.name, num(p.value)))
		}
		out := strings.Join(c, ", ") + " " + r.unit
		if r.note != "" {
			out += "; " + r.note
		}
		return out
	}
	if r.latencies != nil {
		c := fmt.Sprintf("p50 %s, p99 %s (n=%d, max %s)", ms(percentile(r.latencies, 50)),
			ms(percentile(r.latencies, 99)), len(r.latencies), ms(r.latencies[len(r.latencies)-1]))
		if r.note != "" {
			c += "; " + r.note
		}
		return c
	}
	return r.serverCell("ftppanel")
}

// serverCell is a server's values, seconds and CPU time, those measured.
func (r row) serverCell(server string) string {
	c := r.spread(server)
	if v := r.secs[server]; len(v) > 0 {
		c += "; " + spreadOf(v, "s a run")
	}
	return c + r.cpuCell(server)
}

// cpuCell is a server's median CPU time per unit of work, if measured.
func (r row) cpuCell(server string) string {
	if len(r.cpu[server]) == 0 {
		return ""
	}
	return fmt.Sprintf("; CPU %s %s", num(median(r.cpu[server])), r.cpuUnit)
}

// spread is a server's median and, over the rounds, the lowest and highest value.
func (r row) spread(server string) string { return spreadOf(r.values[server], r.unit) }

func spreadOf(v []float64, unit string) string {
	if len(v) == 0 {
		return "—"
	}
	if len(v) == 1 {
		return fmt.Sprintf("%s %s", num(v[0]), unit)
	}
	return fmt.Sprintf("%s %s (%s–%s)", num(median(v)), unit, num(slices.Min(v)), num(slices.Max(v)))
}

func num(x float64) string {
	switch {
	case x >= 100:
		return strconv.FormatFloat(x, 'f', 0, 64)
	case x >= 10:
		return strconv.FormatFloat(x, 'f', 1, 64)
	default:
		return strconv.FormatFloat(x, 'f', 2, 64)
	}
}

// ratio is ftppanel's median over vsftpd's.
func (r row) ratio() (float64, bool) {
	a, b := r.values["ftppanel"], r.values["vsftpd"]
	if len(a) == 0 || len(b) == 0 || median(b) == 0 {
		return 0, false
	}
	return median(a) / median(b), true
}

// cpuRatio is ftppanel's median CPU time over vsftpd's.
func (r row) cpuRatio() (float64, bool) {
	a, b := r.cpu["ftppanel"], r.cpu["vsftpd"]
	if len(a) == 0 || len(b) == 0 || median(b) == 0 {
		return 0, false
	}
	return median(a) / median(b), true
}

// met says whether ftppanel reached the target: yes, no, or "—" when this run
// cannot tell (vsftpd left out).
func (r row) met() string {
	yes := func(ok bool) string {
		if ok {
			return "yes"
		}
		return "**no**"
	}
	switch {
	case r.wrong != "":
		return yes(false)
	case r.parts != nil:
		if r.wantMax == 0 {
			return "—"
		}
		return yes(!slices.ContainsFunc(r.parts, func(p part) bool { return p.value > r.wantMax }))
	case r.latencies != nil:
		if r.p99Limit == 0 {
			return "—"
		}
		return yes(percentile(r.latencies, 99) < r.p99Limit)
	case r.wantMax > 0:
		return yes(median(r.values["ftppanel"]) <= r.wantMax)
	case r.wantRatio > 0:
		q, ok := r.ratio()
		if !ok {
			break
		}
		if r.wantCPURatio > 0 {
			c, ok := r.cpuRatio()
			return yes(q >= r.wantRatio && ok && c <= r.wantCPURatio)
		}
		return yes(q >= r.wantRatio)
	}
	return "—"
}

func (b *bench) markdown() string {
	var s strings.Builder
	m := b.machine
	fmt.Fprintf(&s, "Measured %s by `make bench` (cmd/ftpbench), in %s.\n\n", time.Now().UTC().Format("2006-01-02 15:04 MST"), b.took.Round(time.Second))
	fmt.Fprintf(&s, "- Machine: %s, %d cores, %s of memory; %s, Linux %s; %s\n", m.cpu, m.cores, m.memory, m.os, m.kernel, runtime.Version())
	fmt.Fprintf(&s, "- ftppanel %s; ", m.commit)
	if b.vsftpd != nil {
		fmt.Fprintf(&s, "vsftpd %s (Debian's package)\n", b.vsftpdVersion)
	} else {
		fmt.Fprintf(&s, "%s\n", b.skipped)
	}
	c := b.cfg
	fmt.Fprintf(&s, "- Sizes: %d rounds on each server, alternating which goes first; a %s file; %d parallel clients; "+
		"%d login clients for %s a round; %d idle sessions; %d listed sessions, %d requests each; "+
		"%d downloads at %s/s during %d disconnects; bcrypt cost %d; small files: %d with lftp, %d with curl, %d rounds\n",
		c.rounds, c.fileSize, c.parallel, c.loginClients, c.loginTime, c.idleSessions, c.listSessions,
		c.listRequests, c.transfers, c.transferRate, c.disconnects, c.bcryptCost, c.smallFiles, c.smallCurl, c.smallRounds)
	fmt.Fprintf(&s, "- Load average (1, 5, 15 min) before the run %s, after it %s\n", m.loadBefore, loadAverage())
	s.WriteString("- Everything on loopback, the clients on the same cores as the servers. A value is the median of the rounds, (lowest–highest) after it.\n\n")
	s.WriteString("| measure | target | ftppanel | vsftpd | ftppanel / vsftpd | met |\n|---|---|---|---|---|---|\n")
	for _, r := range b.rows {
		ratio := "—"
		if q, ok := r.ratio(); ok {
			ratio = strconv.FormatFloat(q, 'f', 2, 64) + "×"
			if c, ok := r.cpuRatio(); ok {
				ratio += fmt.Sprintf("; CPU %.2f×", c)
			}
		}
		vs := "—"
		switch {
		case r.vs != "":
			vs = r.vs
		case r.latencies == nil:
			vs = r.serverCell("vsftpd")
		default:
			vs = "(no panel)"
		}
		fmt.Fprintf(&s, "| %s | %s | %s | %s | %s | %s |\n", r.measure, r.target, r.cell(), vs, ratio, r.met())
	}
	for _, n := range b.notes {
		fmt.Fprintf(&s, "\n%s\n", n)
	}
	return s.String()
}

const (
	beginMark = "<!-- ftpbench: begin (written by make bench; edit outside these marks) -->"
	endMark   = "<!-- ftpbench: end -->"
)

// writeReport puts the results between the marks of the file, keeping what is
// written around them, or starts the file.
func writeReport(path, report string) error {
	block := beginMark + "\n" + report + endMark + "\n"
	old, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return os.WriteFile(path, []byte("# Benchmarks\n\n"+block), 0o644)
	}
	if err != nil {
		return err
	}
	var out []byte
	i, j := bytes.Index(old, []byte(beginMark)), bytes.Index(old, []byte(endMark))
	if i >= 0 && j > i {
		rest := old[j+len(endMark):]
		rest = bytes.TrimPrefix(rest, []byte("\n"))
		out = append(append(old[:i:i], block...), rest...)
	} else {
		out = append(old, "\n"+block...)
	}
	return os.WriteFile(path, out, 0o644)
}

type machine struct {
	cpu, memory, os, kernel, commit string
	cores                           int
	loadBefore                      string
}

// loadAverage is the system's load over the last 1, 5 and 15 minutes: other
// work on the machine slows both servers, and shows here.
func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "unknown"
	}
	return strings.Join(f[:3], " ")
}

func describeMachine() machine {
	m := machine{cpu: "unknown CPU", memory: "unknown", os: "unknown OS", cores: runtime.NumCPU(), loadBefore: loadAverage()}
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
				m.cpu = strings.TrimSpace(v)
				break
			}
		}
	}
	if b, err := os.ReadFile("/proc/meminfo"); err == nil {
		var kb int64
		fmt.Sscanf(string(b), "MemTotal: %d kB", &kb)
		m.memory = fmt.Sprintf("%.0f GiB", float64(kb)/(1<<20))
	}
	if b, err := os.ReadFile("/etc/os-release"); err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			if v, ok := strings.CutPrefix(line, "PRETTY_NAME="); ok {
				m.os = strings.Trim(v, `"`)
			}
		}
	}
	var u syscall.Utsname
	if syscall.Uname(&u) == nil {
		var rel []byte
		for _, c := range u.Release {
			if c == 0 {
				break
			}
			rel = append(rel, byte(c))
		}
		m.kernel = string(rel)
	}
	return m
}

// binaryCommit says which commit a Go binary was built from, as go build
// recorded it.
func binaryCommit(bin string) string {
	info, err := buildinfo.ReadFile(bin)
	if err != nil {
		return "(commit unknown)"
	}
	var rev, modified string
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			modified = s.Value
		}
	}
	if rev == "" {
		return "(commit unknown)"
	}
	out := "built from " + rev[:min(len(rev), 7)]
	if modified == "true" {
		out += " with uncommitted changes"
	}
	return out
}

// size is a byte count given as 1GiB, 256MiB, 64KiB or plain bytes.
type size int64

func (s size) String() string {
	for _, u := range []struct {
		name  string
		bytes int64
	}{{"GiB", 1 << 30}, {"MiB", 1 << 20}, {"KiB", 1 << 10}} {
		if int64(s) >= u.bytes && int64(s)%u.bytes == 0 {
			return strconv.FormatInt(int64(s)/u.bytes, 10) + " " + u.name
		}
	}
	return strconv.FormatInt(int64(s), 10) + " B"
}

func (s *size) Set(v string) error {
	v = strings.ReplaceAll(v, " ", "")
	mult := int64(1)
	for _, u := range []struct {
		suffix string
		bytes  int64
	}{{"GiB", 1 << 30}, {"MiB", 1 << 20}, {"KiB", 1 << 10}, {"B", 1}} {
		if rest, ok := strings.CutSuffix(v, u.suffix); ok {
			v, mult = rest, u.bytes
			break
		}
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n <= 0 {
		return fmt.Errorf("%q is not a size such as 1GiB or 64MiB", v)
	}
	*s = size(n * mult)
	return nil
}
