package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestWriteReportKeepsWhatIsAroundTheMarks: a new run replaces the table and
// nothing that was written by hand before or after it.
func TestWriteReportKeepsWhatIsAroundTheMarks(t *testing.T) {
	path := filepath.Join(t.TempDir(), "benchmarks.md")
	if err := writeReport(path, "first table\n"); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(path)
	edited := strings.Replace(string(b), beginMark, "Written by hand before.\n\n"+beginMark, 1) + "\nWritten by hand after.\n"
	if err := os.WriteFile(path, []byte(edited), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := writeReport(path, "second table\n"); err != nil {
		t.Fatal(err)
	}
	b, _ = os.ReadFile(path)
	got := string(b)
	for _, want := range []string{"Written by hand before.", "second table", "Written by hand after."} {
		if !strings.Contains(got, want) {
			t.Errorf("the report lost %q:\n%s", want, got)
		}
	}
	if strings.Contains(got, "first table") || strings.Count(got, beginMark) != 1 {
		t.Errorf("the old table is still there:\n%s", got)
	}
}

func TestSizes(t *testing.T) {
	for text, want := range map[string]size{"1GiB": 1 << 30, "256MiB": 256 << 20, "64KiB": 64 << 10, "1000": 1000, "2 MiB": 2 << 20} {
		var s size
		if err := s.Set(text); err != nil || s != want {
			t.Errorf("Set(%q) = %d, %v; want %d", text, s, err, want)
		}
	}
	for _, bad := range []string{"", "GiB", "-1MiB", "1TB"} {
		var s size
		if err := s.Set(bad); err == nil {
			t.Errorf("Set(%q) = %d, want an error", bad, s)
		}
	}
	if got := size(1 << 30).String(); got != "1 GiB" {
		t.Errorf("String() = %q", got)
	}
}

func TestPercentile(t *testing.T) {
	var d []time.Duration
	for i := 1; i <= 200; i++ {
		d = append(d, time.Duration(i)*time.Millisecond)
	}
	if p := percentile(d, 50); p != 100*time.Millisecond {
		t.Errorf("p50 = %s", p)
	}
	if p := percentile(d, 99); p != 198*time.Millisecond {
		t.Errorf("p99 = %s", p)
	}
}

// TestFleetRows: a row measured per node shows each node's value and meets its
// target only if every node does; a row with no target says so; a row that
// could not be measured says why and is not met.
func TestFleetRows(t *testing.T) {
	for _, tc := range []struct {
		name      string
		r         row
		cell, met string
	}{
		{"one node over", row{unit: "KB/s", wantMax: 10, parts: []part{{"a", 0.66}, {"b", 9.5}, {"c", 12.5}}},
			"a 0.66, b 9.50, c 12.5 KB/s", "**no**"},
		{"all under", row{unit: "KB/s", wantMax: 10, parts: []part{{"a", 0.66}, {"b", 10}}, note: "payload"},
			"a 0.66, b 10.0 KB/s; payload", "yes"},
		{"no target", row{unit: "KB/s", parts: []part{{"a", 120}}}, "a 120 KB/s", "—"},
		{"latency, no target", latencyRow("", "", []time.Duration{3 * time.Second}), "p50 3000.00 ms, p99 3000.00 ms (n=1, max 3000.00 ms)", "—"},
		{"not measured", row{p99Limit: time.Second, wrong: "GET /nodes on node a: status 404"},
			"not measured: GET /nodes on node a: status 404", "**no**"},
	} {
		if got := tc.r.cell(); got != tc.cell {
			t.Errorf("%s: cell %q, want %q", tc.name, got, tc.cell)
		}
		if got := tc.r.met(); got != tc.met {
			t.Errorf("%s: met %q, want %q", tc.name, got, tc.met)
		}
	}
	b := &bench{rows: []row{{measure: "m", target: "t", unit: "KB/s", parts: []part{{"a", 1}}, vs: "(no fleet)"}}}
	if got := b.markdown(); !strings.Contains(got, "| m | t | a 1.00 KB/s | (no fleet) | — | — |") {
		t.Errorf("the table's row:\n%s", got)
	}
}

// TestSmallFilesRows: a row whose target is vsftpd's speed and CPU per file
// shows each server's rate, seconds a run and CPU, and is met only if both
// parts are.
func TestSmallFilesRows(t *testing.T) {
	r := row{measure: "m", target: "t", unit: "files/s", wantRatio: 1, wantCPURatio: 1, cpuUnit: "ms/file",
		values: map[string][]float64{"ftppanel": {900, 1000, 1100}, "vsftpd": {800, 850, 1000}},
		secs:   map[string][]float64{"ftppanel": {1.11, 1, 0.91}, "vsftpd": {1.25, 1.18, 1}},
		cpu:    map[string][]float64{"ftppanel": {0.5, 0.6, 0.7}, "vsftpd": {0.8, 0.8, 0.9}}}
	if got, want := r.cell(), "1000 files/s (900–1100); 1.00 s a run (0.91–1.11); CPU 0.60 ms/file"; got != want {
		t.Errorf("cell %q, want %q", got, want)
	}
	if got := r.met(); got != "yes" {
		t.Errorf("faster and less CPU: met %q, want yes", got)
	}
	b := &bench{rows: []row{r}}
	if got := b.markdown(); !strings.Contains(got, "| 850 files/s (800–1000); 1.18 s a run (1.00–1.25); CPU 0.80 ms/file | 1.18×; CPU 0.75× | yes |") {
		t.Errorf("the table's row:\n%s", got)
	}
	r.cpu["ftppanel"] = []float64{0.9, 0.9, 0.9}
	if got := r.met(); got != "**no**" {
		t.Errorf("faster but more CPU: met %q, want no", got)
	}
	r.cpu["vsftpd"] = nil
	if got := r.met(); got != "**no**" {
		t.Errorf("no CPU time for vsftpd: met %q, want no", got)
	}
	for n, want := range map[int]string{7: "7", 200: "200", 1000: "1,000", 1234567: "1,234,567"} {
		if got := count(n); got != want {
			t.Errorf("count(%d) = %q, want %q", n, got, want)
		}
	}
}
