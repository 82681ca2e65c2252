package models

import "math"

// Classifier predicts the digit of every image of a set moved by (dx, dy).
type Classifier interface {
	Classify(d Digits, dx, dy int) []int
}

// MovedMLP is an MLP as a Classifier of moved digits.
type MovedMLP struct{ *MLP }

// Classify is ClassifyShifted.
func (m MovedMLP) Classify(d Digits, dx, dy int) []int { return m.ClassifyShifted(d, dx, dy) }

// Eval measures the accuracy of networks on sets of digits, as they are
// or moved by some pixels, a few digits at a time: a live screen spreads
// the work over its steps (give it a frozen copy of the net). It is plain
// data: a deep copy of it measures on alone.
type Eval struct {
	tasks []evalTask
	cur   int
}

type evalTask struct {
	net        Classifier
	d          Digits
	shift      int
	pos, right int
	conf       *[10][10]int // counted where asked for
}

// Add queues the accuracy of net on d with every digit moved by
// shift pixels as ShiftedAccuracy moves them, and returns its index.
func (e *Eval) Add(net Classifier, d Digits, shift int) int {
	e.tasks = append(e.tasks, evalTask{net: net, d: d, shift: shift})
	return len(e.tasks) - 1
}

// AddConfusion queues the confusion matrix of net on d as it is
// (rows true, columns predicted), with its accuracy; it returns its index.
func (e *Eval) AddConfusion(net Classifier, d Digits) int {
	e.tasks = append(e.tasks, evalTask{net: net, d: d, conf: new([10][10]int)})
	return len(e.tasks) - 1
}

// Confusion is task i's confusion matrix (zero until it is measured).
func (e *Eval) Confusion(i int) [10][10]int {
	if i >= e.cur || e.tasks[i].conf == nil {
		return [10][10]int{}
	}
	return *e.tasks[i].conf
}

// Advance classifies up to n more digits and reports whether every
// accuracy queued is measured.
func (e *Eval) Advance(n int) bool {
	for n > 0 && e.cur < len(e.tasks) {
		t := &e.tasks[e.cur]
		L := t.d.Len()
		q := 3 // the quarter of the set pos is in: its direction
		for q > 0 && q*L/4 > t.pos {
			q--
		}
		end := min((q+1)*L/4, t.pos+n)
		part := t.d.Slice(t.pos, end)
		dir := Shifts[q]
		for i, p := range t.net.Classify(part, t.shift*dir[0], t.shift*dir[1]) {
			if p == int(part.Labels[i]) {
				t.right++
			}
			if t.conf != nil {
				t.conf[part.Labels[i]][p]++
			}
		}
		n -= end - t.pos
		t.pos = end
		if t.pos >= L {
			e.cur++
		}
	}
	return e.Done()
}

// Done reports whether every accuracy queued is measured.
func (e *Eval) Done() bool { return e.cur == len(e.tasks) }

// Left is how many digits are still to classify.
func (e *Eval) Left() int {
	n := 0
	for _, t := range e.tasks[e.cur:] {
		n += t.d.Len() - t.pos
	}
	return n
}

// Accuracy is task i's accuracy (NaN until it is measured, or on no digits).
func (e *Eval) Accuracy(i int) float64 {
	t := e.tasks[i]
	if i >= e.cur || t.d.Len() == 0 {
		return math.NaN()
	}
	return float64(t.right) / float64(t.d.Len())
}
