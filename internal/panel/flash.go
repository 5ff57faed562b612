package panel

import (
	"encoding/base64"
	"net/http"
)

const flashCookie = "ftppanel_flash"

// setFlash keeps a message for the next page, such as who was just disconnected.
// It travels in a cookie rather than the URL, so nobody can forge one in a link.
func setFlash(w http.ResponseWriter, r *http.Request, msg string) {
	setCookie(w, r, flashCookie, base64.RawURLEncoding.EncodeToString([]byte(msg)), 60)
}

// takeFlash returns the pending message, if any, and clears it.
func takeFlash(w http.ResponseWriter, r *http.Request) string {
	c, err := r.Cookie(flashCookie)
	if err != nil {
		return ""
	}
	clearCookie(w, r, flashCookie)
	msg, err := base64.RawURLEncoding.DecodeString(c.Value)
	if err != nil || len(msg) > 500 {
		return ""
	}
	return string(msg)
}
