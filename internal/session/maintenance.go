package session

import (
	"sync"
	"time"
)

// Maintenance is the server's maintenance state, as ftpshut sets it: while On,
// new FTP logins are refused with "421 MESSAGE"; sessions in progress go on
// until Deadline (zero for none), when the rest are ended with the message.
// It lives in memory only: a restarted server is not in maintenance.
type Maintenance struct {
	On       bool
	Message  string // cleaned by CleanMessage
	By       string // the panel or API user who switched it on
	Since    time.Time
	Deadline time.Time // zero: sessions in progress are never ended for it
}

// maintenance guards a registry's Maintenance and its deadline's timer.
type maintenance struct {
	mu    sync.Mutex
	state Maintenance
	timer *time.Timer
}

// Maintenance is the registry's maintenance state now.
func (r *Registry) Maintenance() Maintenance {
	r.maint.mu.Lock()
	defer r.maint.mu.Unlock()
	return r.maint.state
}

// StartMaintenance switches maintenance on (or replaces its message and
// deadline) on behalf of by. With after > 0, the sessions still open after that
// long are ended with the message. It returns the new state.
func (r *Registry) StartMaintenance(by, message string, after time.Duration) Maintenance {
	now := r.Now()
	r.maint.mu.Lock()
	defer r.maint.mu.Unlock()
	if r.maint.timer != nil {
		r.maint.timer.Stop()
		r.maint.timer = nil
	}
	st := Maintenance{On: true, Message: CleanMessage(message), By: by, Since: now}
	if r.maint.state.On {
		st.Since = r.maint.state.Since // a new message does not restart it
	}
	if after > 0 {
		st.Deadline = now.Add(after)
		reason := EndReason{Kind: EndMaintenance, Message: st.Message}
		var t *time.Timer
		t = time.AfterFunc(after, func() {
			r.maint.mu.Lock()
			current := r.maint.timer == t
			r.maint.mu.Unlock()
			if current {
				r.EndAll(reason)
			}
		})
		r.maint.timer = t
	}
	r.maint.state = st
	r.watchers.Notify()
	return st
}

// StopMaintenance switches maintenance off; it returns the state it ended and
// whether it was on.
func (r *Registry) StopMaintenance() (Maintenance, bool) {
	r.maint.mu.Lock()
	defer r.maint.mu.Unlock()
	if r.maint.timer != nil {
		r.maint.timer.Stop()
		r.maint.timer = nil
	}
	was := r.maint.state
	r.maint.state = Maintenance{}
	r.watchers.Notify()
	return was, was.On
}

// EndAll closes every session for the server's reason (its message, if any, is
// told to plain-FTP clients) and waits, up to EndWait, until they have ended. It
// returns how many it closed.
func (r *Registry) EndAll(reason EndReason) int {
	var closed []*Session
	for _, s := range r.all() {
		if r.close(s, reason) {
			closed = append(closed, s)
		}
	}
	r.awaitEnd(closed)
	return len(closed)
}
