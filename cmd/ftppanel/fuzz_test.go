package main

import (
	"strconv"
	"testing"
	"time"
)

// Fuzz targets for what the command line reads: `go test -fuzz FuzzX`
// explores; a plain `go test` runs the seeds below as tests.

// FuzzParsePortRange: an accepted range is within 1024-65535, low to high, and
// reads the same when written back.
func FuzzParsePortRange(f *testing.F) {
	for _, seed := range []string{"50000-50100", "1024-65535", "40000-40000", "100-50", "1023-2000", "2000-65536",
		"-", "", "50000", "50000-", "-50000", "+50000-+50001", "050000-050001", "5e4-6e4", "1-2-3", " 50000-50001", "99999999999999999999-1"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, s string) {
		r, err := parsePortRange(s)
		if err != nil {
			if r.Low != 0 || r.High != 0 {
				t.Fatalf("refused %q but gave %+v", s, r)
			}
			return
		}
		if r.Low < 1024 || r.High > 65535 || r.Low > r.High {
			t.Fatalf("accepted %q as %+v", s, r)
		}
		again, err := parsePortRange(strconv.Itoa(r.Low) + "-" + strconv.Itoa(r.High))
		if err != nil || again != r {
			t.Fatalf("%q reads as %+v, written back %+v, %v", s, r, again, err)
		}
	})
}

// FuzzParseIdleTimeout: an accepted idle timeout is 0 or whole seconds from 1s to
// 24h, and reads the same when written back.
func FuzzParseIdleTimeout(f *testing.F) {
	for _, seed := range []string{"0", "30m", "1h30m", "24h", "24h0m1s", "1s", "999ms", "1.5s", "-1m", "", "0s", "00", "1e3s", "5", "∞"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := parseIdleTimeout(s)
		if err != nil {
			if d != 0 || err.Error() == "" {
				t.Fatalf("refused %q but gave %v", s, d)
			}
			return
		}
		if d != 0 && (d < time.Second || d > 24*time.Hour || d%time.Second != 0) {
			t.Fatalf("accepted %q as %v", s, d)
		}
		written := d.String()
		if d == 0 {
			written = "0"
		}
		if again, err := parseIdleTimeout(written); err != nil || again != d {
			t.Fatalf("%q reads as %v, written back %v, %v", s, d, again, err)
		}
	})
}
