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
