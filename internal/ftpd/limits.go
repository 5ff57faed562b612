package ftpd

import (
	"fmt"
	"sync"
)

// limits counts open connections, overall and by address, and logged-in sessions
// by account, so that one client cannot take what all the others need. A zero
// limit is no limit.
type limits struct {
	maxTotal, maxPerIP, maxPerLogin int

	mu      sync.Mutex
	total   int
	byIP    map[string]int
	byLogin map[string]int
}

func newLimits(maxTotal, maxPerIP, maxPerLogin int) *limits {
	return &limits{maxTotal: maxTotal, maxPerIP: maxPerIP, maxPerLogin: maxPerLogin,
		byIP: make(map[string]int), byLogin: make(map[string]int)}
}

// admit counts a new connection from ip, or says why it is over a limit.
func (l *limits) admit(ip string) (refusal string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	switch {
	case l.maxTotal > 0 && l.total >= l.maxTotal:
		return fmt.Sprintf("421 Too many connections to this server (%d); try again later.", l.maxTotal)
	case l.maxPerIP > 0 && l.byIP[ip] >= l.maxPerIP:
		return fmt.Sprintf("421 Too many connections from your address (limit %d); close one and try again.", l.maxPerIP)
	}
	l.total++
	l.byIP[ip]++
	return ""
}

// release forgets a connection that admit counted.
func (l *limits) release(ip string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.total--
	if l.byIP[ip]--; l.byIP[ip] <= 0 {
		delete(l.byIP, ip)
	}
}

// login counts a session logged in as login, or says why it is over the limit.
func (l *limits) login(login string) (refusal string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.maxPerLogin > 0 && l.byLogin[login] >= l.maxPerLogin {
		return fmt.Sprintf("421 Too many sessions for %s (limit %d); close one and try again.", login, l.maxPerLogin)
	}
	l.byLogin[login]++
	return ""
}

// logout forgets a session that login counted.
func (l *limits) logout(login string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.byLogin[login]--; l.byLogin[login] <= 0 {
		delete(l.byLogin, login)
	}
}
