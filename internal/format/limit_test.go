package format

import "testing"

func TestParseAndPrintLimits(t *testing.T) {
	for _, c := range []struct {
		in   string
		want int64
		text string
	}{
		{"1M", 1 << 20, "1 MiB/s"}, {"500K", 500 << 10, "500 KiB/s"}, {"off", 0, "no limit"},
		{"0", 0, "no limit"}, {"1.5m", 3 << 19, "1.5 MiB/s"}, {"2MiB/s", 2 << 20, "2 MiB/s"},
		{"100", 100, "100 B/s"}, {"1G", 1 << 30, "1 GiB/s"},
	} {
		got, err := ParseLimit(c.in)
		if err != nil || got != c.want {
			t.Errorf("ParseLimit(%q) = %d, %v; want %d", c.in, got, err, c.want)
		}
		if s := Limit(got); s != c.text {
			t.Errorf("Limit(%d) = %q, want %q", got, s, c.text)
		}
	}
	for _, bad := range []string{"", "fast", "-1M", "1T", "200G", "NaN", "1MM"} {
		if _, err := ParseLimit(bad); err == nil {
			t.Errorf("ParseLimit(%q) took it", bad)
		}
	}
}

func TestLimits(t *testing.T) {
	for _, c := range []struct {
		down, up int64
		want     string
	}{
		{0, 0, "no limit"},
		{2 << 20, 512 << 10, "down 2 MiB/s, up 512 KiB/s"},
		{1 << 20, 0, "down 1 MiB/s, up no limit"},
		{0, 100, "down no limit, up 100 B/s"},
	} {
		if got := Limits(c.down, c.up); got != c.want {
			t.Errorf("Limits(%d, %d) = %q, want %q", c.down, c.up, got, c.want)
		}
	}
}
