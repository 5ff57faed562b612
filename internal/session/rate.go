package session

import "time"

// rateSamples is how many one-second samples the current rate is taken over.
const rateSamples = 5

// rateWindow keeps the last few samples of a byte counter, taken by the
// registry's sampler, to give a rate that follows what is happening now rather
// than the average since the start.
type rateWindow struct {
	at    [rateSamples + 1]time.Time
	bytes [rateSamples + 1]int64
	next  int
	n     int
}

func (w *rateWindow) add(at time.Time, bytes int64) {
	w.at[w.next], w.bytes[w.next] = at, bytes
	w.next = (w.next + 1) % len(w.at)
	if w.n < len(w.at) {
		w.n++
	}
}

// perSecond is the rate between the oldest and the newest sample.
func (w *rateWindow) perSecond() float64 {
	if w.n < 2 {
		return 0
	}
	newest := (w.next - 1 + len(w.at)) % len(w.at)
	oldest := (w.next - w.n + len(w.at)) % len(w.at)
	elapsed := w.at[newest].Sub(w.at[oldest]).Seconds()
	if elapsed <= 0 {
		return 0
	}
	return float64(w.bytes[newest]-w.bytes[oldest]) / elapsed
}

// sample records the session's byte counters for its current rate, and
// returns that rate.
func (s *Session) sample(now time.Time) float64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.rate.add(now, s.bytesUp.Load()+s.bytesDown.Load())
	return s.rate.perSecond()
}
