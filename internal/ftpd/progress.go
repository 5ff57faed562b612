package ftpd

import (
	"io"
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
	from    int64 // the file's offset when sendfile began
	counted int64 // counted on the session so far
}

func newProgressTicker() *progressTicker {
	return &progressTicker{sends: make(map[*transferFile]*sending), stop: make(chan struct{})}
}

// start has the ticker count f's progress from offset from on.
func (p *progressTicker) start(f *transferFile, from int64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.sends[f] = &sending{from: from}
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

// end stops counting f and returns what the ticker counted of it.
func (p *progressTicker) end(f *transferFile) int64 {
	p.mu.Lock()
	defer p.mu.Unlock()
	s := p.sends[f]
	delete(p.sends, f)
	if s == nil {
		return 0
	}
	return s.counted
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
