package session

import (
	"regexp"
	"testing"
	"time"
)

var idShape = regexp.MustCompile(`^[A-Z2-7]{26}$`)

// FuzzValidID: ValidID accepts exactly the 26-character base32 shape of the IDs
// sessions get, and every real ID. `go test -fuzz FuzzValidID` explores.
func FuzzValidID(f *testing.F) {
	f.Add(New("192.0.2.1", 1, time.Now(), func() {}).ID())
	for _, seed := range []string{"", "AAAAAAAAAAAAAAAAAAAAAAAAAA", "aaaaaaaaaaaaaaaaaaaaaaaaaa", "AAAAAAAAAAAAAAAAAAAAAAAAA1",
		"AAAAAAAAAAAAAAAAAAAAAAAAA", "AAAAAAAAAAAAAAAAAAAAAAAAAAA", "../../../../../../etc/pass", "AAAAAAAAAAAAAAAAAAAAAAAAA\x00"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, id string) {
		if got, want := ValidID(id), idShape.MatchString(id); got != want {
			t.Fatalf("ValidID(%q) = %v, want %v", id, got, want)
		}
	})
}
