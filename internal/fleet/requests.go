package fleet

import (
	"encoding/json"
	"errors"
	"log/slog"
	"strings"
	"time"

	"github.com/nats-io/nats.go"

	"github.com/ftppanel/ftppanel/internal/session"
	"github.com/ftppanel/ftppanel/internal/store"
)

// maxHandling bounds the requests a node handles at once; a disconnect waits
// for its sessions to end, so requests are not handled one after another.
const maxHandling = 64

// wireScope is a session.Scope on the wire. The node that receives a command
// applies the scope itself.
type wireScope struct {
	All      bool   `json:"all,omitempty"`
	Customer string `json:"customer,omitempty"`
}

func toWire(sc session.Scope) wireScope { return wireScope{All: sc.All(), Customer: sc.Customer()} }

// scope is the session.Scope a request asks for; a malformed one holds nothing.
func (w wireScope) scope() session.Scope {
	if w.All {
		return session.AllSessions()
	}
	if store.ValidateName("customer", w.Customer) != nil {
		return session.CustomerSessions("")
	}
	return session.CustomerSessions(w.Customer)
}

// request is what one node asks another. Every command carries the acting panel
// user (By) and its scope; a disconnect, the message for the clients.
type request struct {
	Scope  wireScope      `json:"scope"`
	Filter session.Filter `json:"filter,omitzero"`
	Size   int            `json:"size,omitempty"` // page: how many of the first sessions
	IDs    []string       `json:"ids,omitempty"`  // get, disconnect
	All    bool           `json:"all,omitempty"`  // disconnect: every match of Filter rather than IDs
	By     string         `json:"by,omitempty"`
	// Message is what a disconnect tells the clients (421 MESSAGE); the node
	// holding the sessions cleans it again and keeps it in their history.
	Message string `json:"message,omitempty"`
	// Rate is a throttle's limit in bytes per second; 0 lifts it.
	Rate int64 `json:"rate,omitempty"`
	// Until is when the asker stops waiting for the answer. A node that gets a
	// command later (it was frozen, or the message was held up) drops it: the
	// asker has already said it may not have happened, and a late disconnect
	// would surprise whoever tries again. Nodes' clocks are assumed to agree
	// to well within a second, as NTP keeps them.
	Until time.Time `json:"until,omitzero"`
}

// reply is a node's answer. Error is set when the request was refused.
type reply struct {
	Rows  []session.Snapshot `json:"rows,omitempty"`
	Sum   session.Summary    `json:"sum,omitzero"`
	Error string             `json:"error,omitempty"`
	// HostLimit, for a throttle, is the limit an administrator gave a session
	// that refused the customer's change (see session.HostLimitError).
	HostLimit int64 `json:"host_limit,omitempty"`
}

// onRequest hands a request to a goroutine of its own, within maxHandling.
// A request that comes while Close waits for the others is not taken: adding
// to n.done then would race with its Wait.
func (n *Node) onRequest(m *nats.Msg) {
	n.handling <- struct{}{}
	n.mu.Lock()
	if n.closing {
		n.mu.Unlock()
		<-n.handling
		return
	}
	n.done.Add(1)
	n.mu.Unlock()
	go func() {
		defer n.done.Done()
		defer func() { <-n.handling }()
		n.handle(m)
	}()
}

func (n *Node) handle(m *nats.Msg) {
	n.handled.Add(1)
	op := m.Subject[strings.LastIndexByte(m.Subject, '.')+1:]
	if op == "hello" {
		n.answerHello(m)
		return
	}
	var req request
	if err := json.Unmarshal(m.Data, &req); err != nil {
		n.respond(m, reply{Error: "malformed request"})
		return
	}
	if !req.Until.IsZero() && time.Now().After(req.Until) {
		n.log.Warn("fleet request dropped: it came after its asker gave up", slog.String("op", op), slog.String("by", req.By))
		return
	}
	sc := req.Scope.scope()
	var out reply
	switch op {
	case "page":
		out.Rows, _, out.Sum = n.reg.Page(sc, 1, min(max(req.Size, 1), maxPageRows))
	case "list":
		out.Rows = n.reg.List(sc, req.Filter)
	case "get":
		for _, id := range req.IDs {
			if snap, err := n.reg.Get(id, sc); err == nil {
				out.Rows = append(out.Rows, snap)
			}
		}
	case "disconnect":
		if req.By == "" {
			out.Error = "a disconnect must name who asks"
			break
		}
		if req.All {
			out.Rows = n.reg.DisconnectMatching(sc, req.Filter, req.By, req.Message)
		} else {
			out.Rows = n.reg.DisconnectIDs(validIDs(req.IDs), sc, req.By, req.Message)
		}
		n.log.Info("fleet disconnect", slog.String("by", req.By), slog.String("message", session.CleanMessage(req.Message)),
			slog.Int("sessions", len(out.Rows)))
	case "throttle":
		if req.By == "" {
			out.Error = "a throttle must name who asks"
			break
		}
		for _, id := range validIDs(req.IDs) {
			snap, err := n.reg.Throttle(id, sc, max(req.Rate, 0))
			if hl := (*session.HostLimitError)(nil); errors.As(err, &hl) {
				out.HostLimit = hl.Limit
			} else if err == nil {
				out.Rows = append(out.Rows, snap)
			}
		}
		if len(out.Rows) > 0 {
			n.log.Info("fleet throttle", slog.String("by", req.By), slog.Int64("rate", req.Rate),
				slog.Int("sessions", len(out.Rows)))
		}
	default:
		out.Error = "unknown request"
	}
	n.respond(m, out)
}

// maxPageRows bounds a page request: the panel shows pages of 100.
const maxPageRows = 100_000

func validIDs(ids []string) []string {
	out := ids[:0:0]
	for _, id := range ids {
		if session.ValidID(id) {
			out = append(out, id)
		}
	}
	return out
}

func (n *Node) answerHello(m *nats.Msg) {
	var asker hello
	if json.Unmarshal(m.Data, &asker) == nil && asker.Instance == n.instance {
		return
	}
	body, _ := json.Marshal(hello{Instance: n.instance, Started: n.started})
	m.Respond(body)
}

func (n *Node) respond(m *nats.Msg, r reply) {
	body, err := json.Marshal(r)
	if err != nil {
		n.log.Error("fleet reply", slog.Any("error", err))
		return
	}
	if m.Reply == "" {
		return
	}
	if err := publishParts(n.nc, m.Reply, body); err != nil {
		n.log.Warn("fleet reply", slog.Any("error", err))
	}
}
