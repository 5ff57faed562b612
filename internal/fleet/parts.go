package fleet

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"github.com/nats-io/nats.go"
)

// A reply larger than one NATS message (1 MB by default: 3,000 sessions make
// more) goes as parts, in order, to the asker's inbox; each part says how many
// there are. NATS keeps the order of one publisher's messages to one
// subscriber.
const (
	partsHeader = "Ftppanel-Parts"
	// partRoom is what a part leaves of the largest message for its headers.
	partRoom = 1 << 10
)

// publishParts sends body to subject in as many parts as it needs.
func publishParts(nc *nats.Conn, subject string, body []byte) error {
	size := max(int(nc.MaxPayload())-partRoom, 1<<10)
	parts := max(1, (len(body)+size-1)/size)
	for i := range parts {
		m := nats.NewMsg(subject)
		m.Header.Set(partsHeader, strconv.Itoa(parts))
		m.Data = body[i*size : min((i+1)*size, len(body))]
		if err := nc.PublishMsg(m); err != nil {
			return err
		}
	}
	return nil
}

// errNoResponders is a request to a subject that nobody listens on.
var errNoResponders = errors.New("no node listens")

// requestParts sends a request and gathers a reply that may come in parts.
func requestParts(ctx context.Context, nc *nats.Conn, subject string, body []byte) ([]byte, error) {
	inbox := nc.NewInbox()
	sub, err := nc.SubscribeSync(inbox)
	if err != nil {
		return nil, err
	}
	defer sub.Unsubscribe()
	if err := nc.PublishRequest(subject, inbox, body); err != nil {
		return nil, err
	}
	var out []byte
	for got, want := 0, 1; got < want; got++ {
		m, err := sub.NextMsgWithContext(ctx)
		if err != nil {
			return nil, err
		}
		if m.Header.Get("Status") == "503" {
			return nil, errNoResponders
		}
		if n, err := strconv.Atoi(m.Header.Get(partsHeader)); err == nil && n > 0 {
			want = n
		}
		if want > 1<<12 {
			return nil, fmt.Errorf("a reply in %d parts", want)
		}
		out = append(out, m.Data...)
	}
	return out, nil
}
