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
