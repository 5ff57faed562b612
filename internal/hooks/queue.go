package hooks

import "sync"

// queue is a bounded first-in first-out list of events: when it is full, a
// new event pushes out the oldest, which is counted as dropped.
type queue struct {
	mu    sync.Mutex
	items []*event // a ring of len(items) slots
	head  int      // the oldest event's slot
	n     int      // events held
	ready chan struct{}
}

func newQueue(size int) *queue {
	return &queue{items: make([]*event, size), ready: make(chan struct{}, 1)}
}

// push adds e at the end and reports whether the oldest event was dropped to
// make room. It never blocks.
func (q *queue) push(e *event) (dropped bool) {
	q.mu.Lock()
	if q.n == len(q.items) {
		q.items[q.head] = nil
		q.head = (q.head + 1) % len(q.items)
		q.n--
		dropped = true
	}
	q.items[(q.head+q.n)%len(q.items)] = e
	q.n++
	q.mu.Unlock()
	select {
	case q.ready <- struct{}{}:
	default:
	}
	return dropped
}

// pop takes the oldest event; nil when there is none.
func (q *queue) pop() *event {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.n == 0 {
		return nil
	}
	e := q.items[q.head]
	q.items[q.head] = nil
	q.head = (q.head + 1) % len(q.items)
	q.n--
	return e
}

// len is how many events wait.
func (q *queue) len() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.n
}
