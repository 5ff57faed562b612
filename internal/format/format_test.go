package format

import (
	"testing"
	"time"
)

func TestFormats(t *testing.T) {
	for _, tc := range []struct{ got, want string }{
		{Bytes(0), "0 B"},
		{Bytes(-5), "0 B"},
		{Bytes(1023), "1023 B"},
		{Bytes(300000), "293 KiB"},
		{Bytes(3 << 20), "3.0 MiB"},
		{Rate(1536), "1.5 KiB/s"},
		{Duration(45 * time.Second), "45s"},
		{Duration(3*time.Minute + 12*time.Second + 900*time.Millisecond), "3m 12s"},
		{Duration(2*time.Hour + 5*time.Minute), "2h 05m"},
		{Duration(76 * time.Hour), "3d 04h"},
		{Duration(-time.Second), "0s"},
	} {
		if tc.got != tc.want {
			t.Errorf("got %q, want %q", tc.got, tc.want)
		}
	}
}
