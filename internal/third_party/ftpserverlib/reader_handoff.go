package ftpserver

import (
	"sync"
	"time"
)

// ftppanel: this file is ftppanel's, not the library's (see PATCHES.md). A
// transfer command runs on the goroutine that reads the session's commands;
// when it lasts longer than readerHandOff, a new goroutine takes over reading
// them, so that ABOR, STAT and QUIT are answered during a long transfer. The
// library started a goroutine for every transfer command: for a small file the
// hand-off to it and back cost more than moving the file.
//
// One ticker per server finds the transfers that have lasted: a timer per
// transfer, the earliest of its processor's timers each time, woke an idle
// thread to poll for it at every transfer.

// readerHandOff is how long a transfer runs before commands are read again.
const readerHandOff = 50 * time.Millisecond

// handOffTick is how often the transfers are looked at.
const handOffTick = readerHandOff / 2

// handOffLinger is how long the ticker goes on without a transfer before it stops.
const handOffLinger = time.Second

// readerHandOffs is the server's transfers that run on their session's reader.
type readerHandOffs struct {
	mu        sync.Mutex
	transfers map[*clientHandler]time.Time // when each started
	ticking   bool
	stopped   bool // the server has stopped: the ticker stops once no transfer runs
}

// add watches c's transfer, which starts now.
func (h *readerHandOffs) add(c *clientHandler) {
	h.mu.Lock()
	defer h.mu.Unlock()

	if h.transfers == nil {
		h.transfers = make(map[*clientHandler]time.Time)
	}

	h.transfers[c] = time.Now()

	if !h.ticking {
		h.ticking = true

		go h.tick()
	}
}

// remove stops watching c's transfer, which has ended.
func (h *readerHandOffs) remove(c *clientHandler) {
	h.mu.Lock()
	delete(h.transfers, c)
	h.mu.Unlock()
}

// stop lets the ticker end as soon as no transfer runs.
func (h *readerHandOffs) stop() {
	h.mu.Lock()
	h.stopped = true
	h.mu.Unlock()
}

func (h *readerHandOffs) tick() {
	ticker := time.NewTicker(handOffTick)
	defer ticker.Stop()

	idle := time.Duration(0)

	for now := range ticker.C {
		h.mu.Lock()

		if len(h.transfers) == 0 {
			idle += handOffTick
			if idle >= handOffLinger || h.stopped {
				h.ticking = false
				h.mu.Unlock()

				return
			}
		} else {
			idle = 0
		}

		for c, started := range h.transfers {
			if now.Sub(started) >= readerHandOff {
				delete(h.transfers, c)
				c.takeOverReading()
			}
		}

		h.mu.Unlock()
	}
}
