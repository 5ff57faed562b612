package ftpd

import (
	"io"
	"net"
	"sync"
	"time"
)

// progressTicker counts, every reportEvery, what each download in flight has
// sent with sendfile so far, read from its file's offset, which the kernel
// moves on with each sendfile call. One ticker serves every download: a
// goroutine and a timer of its own cost a 4 KiB download more than its bytes.
// Its goroutine runs while downloads are in flight, and a second after.
type progressTicker struct {
	mu      sync.Mutex
	sends   map[*transferFile]*sending
	running bool
	stop    chan struct{} // closed by close
	done    sync.WaitGroup
}

// sending is a download whose bytes the ticker counts.
type sending struct {
	conn    *net.TCPConn
	from    int64 // the file's offset when sendfile began
	counted int64 // counted on the session so far
	cut     bool  // the session got a rate limit: its sendfile was cut short
}

func newProgressTicker() *progressTicker {
	return &progressTicker{sends: make(map[*transferFile]*sending), stop: make(chan struct{})}
}

// start has the ticker count f's progress from offset from on, as sent on
// conn.
func (p *progressTicker) start(f *transferFile, conn *net.TCPConn, from int64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.sends[f] = &sending{conn: conn, from: from}
	f.session.OnLimit(func() { p.cut(f) })
	if !p.running {
		select {
		case <-p.stop: // closed: the download is counted when it ends
			return
		default:
		}
		p.running = true
		p.done.Add(1)
		go p.run()
	}
}

// end stops counting f and returns what the ticker counted of it, and whether
// it cut f's sendfile short for a rate limit.
func (p *progressTicker) end(f *transferFile) (counted int64, cut bool) {
	f.session.OnLimit(nil)
	p.mu.Lock()
	defer p.mu.Unlock()
	s := p.sends[f]
	delete(p.sends, f)
	if s == nil {
		return 0, false
	}
	return s.counted, s.cut
}

// cut ends f's sendfile loop early because its session got a rate limit: a
// write deadline in the past wakes the loop where it waits for room in the
// socket, and sendFile sends the rest limited. A client that keeps up with
// sendfile never makes it wait, and gets the limit when its file's loop
// returns (sendfile moves up to 4 MiB per call, the loop checks the
// deadline only when the socket is full).
func (p *progressTicker) cut(f *transferFile) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if s := p.sends[f]; s != nil && !s.cut && s.conn != nil {
		s.cut = true
		_ = s.conn.SetWriteDeadline(time.Unix(1, 0))
	}
}

// idleTicks is how many ticks without a download the goroutine waits for
// before it ends.
const idleTicks = int(time.Second / reportEvery)

func (p *progressTicker) run() {
	defer p.done.Done()
	tick := time.NewTicker(reportEvery)
	defer tick.Stop()
	idle := 0
	for {
		select {
		case <-p.stop:
			p.mu.Lock()
			p.running = false
			p.mu.Unlock()
			return
		case <-tick.C:
		}
		p.mu.Lock()
		if len(p.sends) == 0 {
			if idle++; idle >= idleTicks {
				p.running = false
				p.mu.Unlock()
				return
			}
		} else {
			idle = 0
		}
		for f, s := range p.sends {
			if at, err := f.File.Seek(0, io.SeekCurrent); err == nil && at-s.from > s.counted {
				f.count(at - s.from - s.counted)
				s.counted = at - s.from
			}
		}
		p.mu.Unlock()
	}
}

// close ends the goroutine; downloads still in flight are counted when they end.
func (p *progressTicker) close() {
	p.mu.Lock()
	select {
	case <-p.stop:
	default:
		close(p.stop)
	}
	p.mu.Unlock()
	p.done.Wait()
}
