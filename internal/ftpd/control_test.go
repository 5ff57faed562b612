package ftpd

import "testing"

func TestFinalReply(t *testing.T) {
	for reply, want := range map[string]bool{
		"226 Closing transfer connection\r\n": true,
		"550 Could not list\r\n":              true,
		"150 Using transfer connection\r\n":   false,
		"211-Features:\r\n":                   false,
		"22":                                  false,
	} {
		if got := finalReply([]byte(reply)); got != want {
			t.Errorf("finalReply(%q) = %v, want %v", reply, got, want)
		}
	}
}
