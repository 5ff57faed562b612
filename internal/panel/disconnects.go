package panel

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/ftppanel/ftppanel/internal/session"
)

// disconnectMessage reads the optional reason given with a disconnect: cleaned
// for an FTP reply line (no control characters, so no extra reply lines), or an
// error a user can read when it is too long.
func disconnectMessage(text string) (string, error) {
	if utf8.RuneCountInString(strings.TrimSpace(text)) > session.MaxMessageLen {
		return "", fmt.Errorf("the reason can be at most %d characters", session.MaxMessageLen)
	}
	return session.CleanMessage(text), nil
}

// disconnectDetail is an audit row's detail for a disconnect: what the session
// was doing, how it was chosen (such as "all of 203.0.113.0/24") and the
// reason the client was told.
func disconnectDetail(snap session.Snapshot, how, message string) string {
	detail := activity(snap)
	if how != "" {
		detail += "; " + how
	}
	if message != "" {
		detail += "; reason: " + message
	}
	return detail
}

// addressNetwork reads the address or range of a kick by address, or says what
// is wrong with it.
func addressNetwork(text string) (string, error) {
	network, err := session.ParseNetwork(strings.TrimSpace(text))
	if err != nil {
		return "", fmt.Errorf("%q is %w", session.Visible(text, 60), err)
	}
	return network.String(), nil
}
