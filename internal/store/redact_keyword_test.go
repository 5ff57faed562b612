package store

import (
	"strings"
	"testing"
)

func TestReviewRedactURL(t *testing.T) {
	for _, in := range []string{
		"host=db password=s3cretpw",
		"postgres://u:s3cretpw@db/x?password=s3cretpw",
		"postgres://u@db/x?sslmode=disable&password=s3cretpw",
		"postgres://u:s3cr/etpw@db/x",
		"postgres://u:s3cr#etpw@db/x",
	} {
		if out := RedactURL(in); strings.Contains(out, "s3cr") {
			t.Errorf("RedactURL(%q) = %q: shows the password", in, out)
		}
	}
}

func TestReviewRedactKeywordDSN(t *testing.T) {
	for _, in := range []string{"host=db password='s3cr et' user=x", "host=db PASSWORD = s3cret", "host=db password=s3cret"} {
		if out := RedactURL(in); strings.Contains(out, "s3cr") || !strings.Contains(out, "host=db") {
			t.Errorf("RedactURL(%q) = %q", in, out)
		}
	}
}
