// Package hooks posts the server's events (sessions started and ended,
// disconnects, bans, account changes) as signed JSON to a host's web hook
// (serve --webhook-url). Events wait in a bounded queue in memory and one
// goroutine sends them in order, so the FTP server never waits for the hook.
package hooks

import (
	"bytes"
	"context"
	"crypto/hmac"
	crand "crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"sync"
	"sync/atomic"
	"time"
)

// Defaults of Config.
const (
	DefaultQueueSize = 10000
	// DefaultMaxAge is how long after it happened an event is still retried.
	DefaultMaxAge = time.Hour
	// DefaultTimeout bounds one delivery attempt, from dial to the response.
	DefaultTimeout = 10 * time.Second
	// The retry waits: FirstRetry, doubling up to MaxRetryWait, each with jitter.
	FirstRetry   = time.Second
	MaxRetryWait = 5 * time.Minute
	// logEvery is how often at most dropped and given up events are logged.
	logEvery = time.Minute
)

// Headers of every delivery.
const (
	SignatureHeader = "X-Ftppanel-Signature" // "sha256=" and the hex HMAC-SHA256 of the body
	EventHeader     = "X-Ftppanel-Event"     // the event's type
	DeliveryHeader  = "X-Ftppanel-Delivery"  // the event's id, the same on every retry
)

// Config says where events go and how hard to try.
type Config struct {
	URL    string
	Secret string // the HMAC key; never logged
	Node   string // the node that sends, in every event; empty for a node alone
	Logger *slog.Logger

	QueueSize int           // events held at most; 0 is DefaultQueueSize
	MaxAge    time.Duration // 0 is DefaultMaxAge
	Client    *http.Client  // nil: one with DefaultTimeout
	// Now is the clock; nil is time.Now.
	Now func() time.Time
	// Backoff is the wait before retry number attempt (1, 2, ...); nil is
	// exponential with jitter, from FirstRetry up to MaxRetryWait.
	Backoff func(attempt int) time.Duration
}

// event is one event, its body made once and sent as is on every attempt.
type event struct {
	id   string
	typ  string
	at   time.Time
	body []byte
}

// Hooks sends events to one URL. Send never blocks; Close stops the sender.
type Hooks struct {
	cfg   Config
	log   *slog.Logger
	queue *queue

	// ctx is every delivery's context: Close cancels it when its own ends.
	ctx    context.Context
	cancel context.CancelFunc
	stop   chan struct{} // closed by Close: no more waiting to retry
	done   chan struct{} // closed when the sender has returned
	once   sync.Once

	delivered, failed, dropped atomic.Int64

	// The log says at most once every logEvery that events were dropped or
	// given up, with how many since it last said so.
	dropLog, giveUpLog everyMinute
	// failing is whether the last attempt failed; only the sender uses it, to
	// log when the hook stops and starts taking events, not every failure.
	failing bool
}

// everyMinute counts what happened since the last log line about it, and says
// when the next is due.
type everyMinute struct {
	mu     sync.Mutex
	last   time.Time
	unsaid int64
}

// add counts one more and, when a line is due, returns how many it should
// name (and starts counting again); 0 when none is due.
func (m *everyMinute) add(now time.Time) int64 {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.unsaid++
	if !m.last.IsZero() && now.Sub(m.last) < logEvery {
		return 0
	}
	n := m.unsaid
	m.last, m.unsaid = now, 0
	return n
}

// Start returns hooks whose sender runs until Close.
func Start(cfg Config) *Hooks {
	if cfg.QueueSize <= 0 {
		cfg.QueueSize = DefaultQueueSize
	}
	if cfg.MaxAge <= 0 {
		cfg.MaxAge = DefaultMaxAge
	}
	if cfg.Client == nil {
		cfg.Client = newClient()
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Backoff == nil {
		cfg.Backoff = Backoff
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	h := &Hooks{cfg: cfg, log: cfg.Logger, queue: newQueue(cfg.QueueSize),
		stop: make(chan struct{}), done: make(chan struct{})}
	h.ctx, h.cancel = context.WithCancel(context.Background())
	go h.run()
	return h
}

// newClient is an HTTP client whose every step has a time limit.
func newClient() *http.Client {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.DialContext = (&net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}).DialContext
	tr.TLSHandshakeTimeout = 5 * time.Second
	tr.ResponseHeaderTimeout = DefaultTimeout
	tr.MaxIdleConns, tr.MaxIdleConnsPerHost = 2, 2
	return &http.Client{Timeout: DefaultTimeout, Transport: tr,
		// A redirect is not delivery: followed, a POST would become a GET.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

// Backoff is the default wait before retry number attempt: FirstRetry doubled
// for each attempt before it, at most MaxRetryWait, of which a random part
// up to half is taken off, so that many servers do not retry in step.
func Backoff(attempt int) time.Duration {
	d := MaxRetryWait
	if attempt < 20 {
		d = min(FirstRetry<<(max(attempt, 1)-1), MaxRetryWait)
	}
	return d - rand.N(d/2+1)
}

// Send queues an event of type typ, which happened at, with data as its
// "data" object. It never blocks: when the queue is full the oldest event is
// dropped, counted and (at most once a minute) logged.
func (h *Hooks) Send(typ string, at time.Time, data any) {
	e := &event{id: crand.Text(), typ: typ, at: at}
	var err error
	e.body, err = json.Marshal(struct {
		ID   string    `json:"id"`
		Type string    `json:"type"`
		Time time.Time `json:"time"`
		Node string    `json:"node,omitempty"`
		Data any       `json:"data"`
	}{e.id, typ, at.UTC(), h.cfg.Node, data})
	if err != nil { // a bug in an event's type, not something the hook should wait for
		h.log.Error("webhook event not encoded", slog.String("event", typ), slog.Any("error", err))
		return
	}
	if h.queue.push(e) {
		h.droppedOne()
	}
}

// droppedOne counts an event pushed out of a full queue and logs it, at most
// once every logEvery.
func (h *Hooks) droppedOne() {
	h.dropped.Add(1)
	if n := h.dropLog.add(h.cfg.Now()); n > 0 {
		h.log.Warn("webhook queue full: dropped the oldest events", slog.Int64("dropped", n),
			slog.Int("queue_size", h.cfg.QueueSize))
	}
}

// run sends the queued events in order until Close.
func (h *Hooks) run() {
	defer close(h.done)
	for {
		e := h.queue.pop()
		if e == nil {
			select {
			case <-h.queue.ready:
				continue
			case <-h.stop:
				h.flush(nil)
				return
			}
		}
		if !h.deliver(e) {
			h.flush(e)
			return
		}
	}
}

// deliver posts e until the hook takes it or e is older than MaxAge. It
// returns false when Close stopped it while it waited to retry.
func (h *Hooks) deliver(e *event) bool {
	for attempt := 1; ; attempt++ {
		err := h.post(e)
		if err == nil {
			h.delivered.Add(1)
			if h.failing {
				h.failing = false
				h.log.Info("webhook takes events again", slog.String("event", e.typ), slog.Int("attempts", attempt))
			}
			return true
		}
		var refused refusedError
		if errors.As(err, &refused) {
			// The hook will refuse this event however often it is sent; retrying
			// it for an hour would hold every later event up behind it.
			h.failed.Add(1)
			if n := h.giveUpLog.add(h.cfg.Now()); n > 0 {
				h.log.Warn("webhook events refused by the hook, not retried", slog.Int64("events", n),
					slog.String("last_event", e.typ), slog.String("last_id", e.id), slog.Any("error", err))
			}
			return true
		}
		if !h.failing {
			h.failing = true
			h.log.Warn("webhook delivery failed; retrying with backoff", slog.String("event", e.typ),
				slog.String("id", e.id), slog.Any("error", err))
		}
		if h.cfg.Now().Sub(e.at) >= h.cfg.MaxAge {
			h.failed.Add(1)
			if n := h.giveUpLog.add(h.cfg.Now()); n > 0 {
				h.log.Warn("webhook events given up", slog.Int64("events", n), slog.Duration("retried_for", h.cfg.MaxAge),
					slog.String("last_event", e.typ), slog.String("last_id", e.id), slog.Any("error", err))
			}
			return true
		}
		timer := time.NewTimer(h.cfg.Backoff(attempt))
		select {
		case <-timer.C:
		case <-h.stop:
			timer.Stop()
			return false
		}
	}
}

// flush tries once each the events left at Close, first and then the queue's,
// until Close's context ends; those not delivered are counted as failed.
func (h *Hooks) flush(first *event) {
	left := 0
	try := func(e *event) {
		if h.ctx.Err() == nil && h.post(e) == nil {
			h.delivered.Add(1)
			return
		}
		h.failed.Add(1)
		left++
	}
	if first != nil {
		try(first)
	}
	for e := h.queue.pop(); e != nil; e = h.queue.pop() {
		try(e)
	}
	if left > 0 {
		h.log.Warn("webhook events not delivered at shutdown", slog.Int("events", left))
	}
}

// post makes one attempt at delivering e: a 2xx answer delivers it.
func (h *Hooks) post(e *event) error {
	req, err := http.NewRequestWithContext(h.ctx, http.MethodPost, h.cfg.URL, bytes.NewReader(e.body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "ftppanel-webhook")
	req.Header.Set(EventHeader, e.typ)
	req.Header.Set(DeliveryHeader, e.id)
	req.Header.Set(SignatureHeader, Sign(h.cfg.Secret, e.body))
	resp, err := h.cfg.Client.Do(req)
	if urlErr, ok := err.(*url.Error); ok {
		err = urlErr.Err // without the URL, whose query may hold a token, in the log
	}
	if err != nil {
		return err
	}
	// Read a little of the answer so the connection can be used again.
	io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	resp.Body.Close()
	switch {
	case resp.StatusCode/100 == 2:
		return nil
	case refusesEvent(resp.StatusCode):
		return refusedError{resp.Status}
	}
	return fmt.Errorf("the hook answered %s", resp.Status)
}

// refusesEvent tells the answers that refuse the event itself, which sending
// it again cannot change: a bad request, too large, a type or content not
// taken. Other failures (401, 403 and 404 of a hook misconfigured, 408, 429,
// 5xx, no answer) say the hook cannot take events now, and are retried.
func refusesEvent(status int) bool {
	switch status {
	case http.StatusBadRequest, http.StatusRequestEntityTooLarge, http.StatusUnsupportedMediaType,
		http.StatusUnprocessableEntity:
		return true
	}
	return false
}

// refusedError is an answer that refuses the event (see refusesEvent).
type refusedError struct{ status string }

func (e refusedError) Error() string { return "the hook refused the event: " + e.status }

// Sign is the signature header's value for body: "sha256=" and the hex
// HMAC-SHA256 of body keyed with secret.
func Sign(secret string, body []byte) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write(body)
	return "sha256=" + hex.EncodeToString(mac.Sum(nil))
}

// Close stops taking retries, tries once more each event still queued until
// ctx ends, and returns when the sender has stopped. Events sent after Close
// are not delivered.
func (h *Hooks) Close(ctx context.Context) {
	h.once.Do(func() {
		stop := context.AfterFunc(ctx, h.cancel)
		close(h.stop)
		<-h.done
		stop()
		h.cancel()
		h.cfg.Client.CloseIdleConnections()
	})
}

// Stats are the counts since start.
type Stats struct {
	Delivered, Failed, Dropped int64
	Queued                     int
}

// Stats says how many events were delivered, given up after retries, dropped
// from a full queue, and wait now.
func (h *Hooks) Stats() Stats {
	return Stats{Delivered: h.delivered.Load(), Failed: h.failed.Load(), Dropped: h.dropped.Load(), Queued: h.queue.len()}
}
