package models

import (
	"fmt"
	"math/rand/v2"
	"strings"
)

// The recurrent nets' tasks: Elman's (1990) temporal XOR and letter
// sequences, the embedded Reber grammar and the adding problem of
// Hochreiter and Schmidhuber (1997).

// RNN tasks.
const (
	TaskXOR     = "xor"
	TaskLetters = "letters"
	TaskReber   = "reber"
	TaskAdding  = "adding"
)

// RNNTasks lists them.
var RNNTasks = []string{TaskXOR, TaskLetters, TaskReber, TaskAdding}

// Seq is a stretch of a task: inputs, targets, which steps count (mask),
// and a label of each step for the error by kind (XOR: the target's place
// in its triple, 2 the predictable one; letters: 0 a consonant next, 1 a
// vowel (see LetterKind); Reber: the set of legal next symbols as a bit
// mask).
type Seq struct {
	X, D  [][]float64
	Mask  []float64
	Label []int
}

// Task makes the sequences of one task. A stream task (xor, letters)
// continues where the last stretch ended; the others make independent
// sequences.
type Task interface {
	Next() Seq
	Stream() bool
	In() int
	Out() int
	Linear() bool
}

// NewTask makes task kind; length is a stream's stretch or the adding
// problem's T.
func NewTask(kind string, length int, r *rand.Rand) (Task, error) {
	switch kind {
	case TaskXOR:
		if length < 3 || length > 10000 {
			return nil, fmt.Errorf("length = %d: must be 3..10000", length)
		}
		return &xorTask{n: length, r: r}, nil
	case TaskLetters:
		if length < 3 || length > 10000 {
			return nil, fmt.Errorf("length = %d: must be 3..10000", length)
		}
		return &letterTask{n: length, r: r}, nil
	case TaskReber:
		return &reberTask{r: r}, nil
	case TaskAdding:
		if length < 10 || length > 10000 {
			return nil, fmt.Errorf("length = %d: must be 10..10000 (the adding problem)", length)
		}
		return &addingTask{T: length, r: r}, nil
	}
	return nil, fmt.Errorf("task = %q: must be one of xor, letters, reber, adding", kind)
}

// xorTask is a bit stream whose every third bit is the XOR of the two
// before it; the net predicts the next bit.
type xorTask struct {
	n    int
	r    *rand.Rand
	buf  []int // bits made, the last one still to be predicted from
	pos  int   // place in the triple of the next bit to make
	a, b int
}

func (x *xorTask) bit() int {
	var v int
	switch x.pos {
	case 0:
		v = x.r.IntN(2)
		x.a = v
	case 1:
		v = x.r.IntN(2)
		x.b = v
	default:
		v = x.a ^ x.b
	}
	x.pos = (x.pos + 1) % 3
	return v
}

func (x *xorTask) Next() Seq {
	var s Seq
	if len(x.buf) == 0 {
		x.buf = append(x.buf, x.bit())
	}
	for range x.n {
		place := x.pos // the place of the bit about to be made: the target's
		next := x.bit()
		cur := x.buf[len(x.buf)-1]
		s.X = append(s.X, []float64{float64(cur)})
		s.D = append(s.D, []float64{float64(next)})
		s.Mask = append(s.Mask, 1)
		s.Label = append(s.Label, place)
		x.buf = append(x.buf[:0], next)
	}
	return s
}

func (x *xorTask) Stream() bool { return true }
func (x *xorTask) In() int      { return 1 }
func (x *xorTask) Out() int     { return 1 }
func (x *xorTask) Linear() bool { return false }

// Letters: Elman's consonants and vowels as six features (consonantal,
// vocalic, interrupted, high, back, voiced).
var letterFeatures = map[byte][]float64{
	'b': {1, 0, 1, 0, 0, 1},
	'd': {1, 0, 1, 1, 0, 1},
	'g': {1, 0, 1, 0, 1, 1},
	'a': {0, 1, 0, 0, 1, 1},
	'i': {0, 1, 0, 1, 0, 1},
	'u': {0, 1, 0, 1, 1, 1},
}

// LetterOrder numbers the letters for the errors by letter: the
// consonants first.
const LetterOrder = "bdgaiu"

// LetterKind is 0 for a consonant's number in LetterOrder, 1 for a vowel's.
func LetterKind(i int) int {
	if i < 3 {
		return 0
	}
	return 1
}

// LetterWords are Elman's: each consonant followed by its vowels.
var LetterWords = []string{"ba", "dii", "guuu"}

// letterTask is a stream of the words in random order, letter by letter.
type letterTask struct {
	n    int
	r    *rand.Rand
	word string
	at   int
	cur  byte
	// Letters are the letters of the last stretch (its inputs), for the
	// screen
	Letters []byte
}

func (l *letterTask) letter() byte {
	if l.at >= len(l.word) {
		l.word, l.at = LetterWords[l.r.IntN(len(LetterWords))], 0
	}
	c := l.word[l.at]
	l.at++
	return c
}

func (l *letterTask) Next() Seq {
	var s Seq
	if l.cur == 0 {
		l.cur = l.letter()
	}
	l.Letters = l.Letters[:0]
	for range l.n {
		next := l.letter()
		s.X = append(s.X, letterFeatures[l.cur])
		s.D = append(s.D, letterFeatures[next])
		s.Mask = append(s.Mask, 1)
		s.Label = append(s.Label, strings.IndexByte(LetterOrder, next))
		l.Letters = append(l.Letters, l.cur)
		l.cur = next
	}
	return s
}

func (l *letterTask) Stream() bool { return true }
func (l *letterTask) In() int      { return 6 }
func (l *letterTask) Out() int     { return 6 }
func (l *letterTask) Linear() bool { return false }

// ReberSymbols are the grammar's symbols, in their one-hot order.
const ReberSymbols = "BTPSXVE"

// reber is the Reber grammar's graph: from each state the symbols it may
// emit and the state each leads to (−1: the string ends).
var reber = [][]struct {
	sym  byte
	next int
}{
	{{'B', 1}},
	{{'T', 2}, {'P', 3}},
	{{'S', 2}, {'X', 4}},
	{{'T', 3}, {'V', 5}},
	{{'X', 3}, {'S', 6}},
	{{'P', 4}, {'V', 6}},
	{{'E', -1}},
}

// ReberString draws an embedded Reber string: B, T or P, a Reber string,
// the same T or P again, E; with, at each symbol, the set of symbols that
// may legally follow it (a bit mask over ReberSymbols).
func ReberString(r *rand.Rand) (s []byte, legal []int) {
	bit := func(c byte) int {
		for i := range ReberSymbols {
			if ReberSymbols[i] == c {
				return 1 << i
			}
		}
		return 0
	}
	emit := func(c byte, next int) {
		s = append(s, c)
		legal = append(legal, next)
	}
	first := byte('T')
	if r.IntN(2) == 0 {
		first = 'P'
	}
	emit('B', bit('T')|bit('P'))
	emit(first, bit('B'))
	st := 0
	for st >= 0 {
		opts := reber[st]
		o := opts[r.IntN(len(opts))]
		var next int
		if o.next >= 0 {
			for _, p := range reber[o.next] {
				next |= bit(p.sym)
			}
		} else {
			next = bit(first) // after the inner E: the remembered symbol
		}
		emit(o.sym, next)
		st = o.next
	}
	emit(first, bit('E'))
	emit('E', 0)
	return s, legal
}

// reberTask makes embedded Reber strings; the net predicts the next symbol.
type reberTask struct {
	r *rand.Rand
	// Symbols are the last string's
	Symbols []byte
}

func oneHot(c byte) []float64 {
	v := make([]float64, len(ReberSymbols))
	for i := range ReberSymbols {
		if ReberSymbols[i] == c {
			v[i] = 1
		}
	}
	return v
}

// ReberSeq is the training sequence of an embedded Reber string.
func ReberSeq(str []byte, legal []int) Seq {
	var s Seq
	for t := 0; t+1 < len(str); t++ {
		s.X = append(s.X, oneHot(str[t]))
		s.D = append(s.D, oneHot(str[t+1]))
		s.Mask = append(s.Mask, 1)
		s.Label = append(s.Label, legal[t])
	}
	return s
}

func (b *reberTask) Next() Seq {
	str, legal := ReberString(b.r)
	b.Symbols = str
	return ReberSeq(str, legal)
}

func (b *reberTask) Stream() bool { return false }
func (b *reberTask) In() int      { return len(ReberSymbols) }
func (b *reberTask) Out() int     { return len(ReberSymbols) }
func (b *reberTask) Linear() bool { return false }

// ReberCorrect reports whether a net's outputs predict every legal next
// symbol of the sequence: at each step the k largest outputs are exactly
// the k legal successors.
func ReberCorrect(ys [][]float64, labels []int) bool {
	for t, y := range ys {
		legal := labels[t]
		k := 0
		for i := range y {
			if legal&(1<<i) != 0 {
				k++
			}
		}
		// the smallest legal output must beat the largest illegal one
		minLegal, maxIllegal := 2.0, -1.0
		for i, v := range y {
			if legal&(1<<i) != 0 {
				minLegal = min(minLegal, v)
			} else {
				maxIllegal = max(maxIllegal, v)
			}
		}
		if k > 0 && minLegal <= maxIllegal {
			return false
		}
	}
	return true
}

// addingTask is the adding problem: T pairs (value in [0, 1], marker),
// two of them marked (one in the first ten, one elsewhere in the first
// half); the target at the end is the sum of the marked values. Guessing
// the mean, 1, leaves a mean squared error of 1/6. The net is given each
// value less ½ (centred inputs: the same task, learnt from more starts).
type addingTask struct {
	T int
	r *rand.Rand
}

// AddingSeq draws one adding-problem sequence of length T.
func AddingSeq(T int, r *rand.Rand) Seq {
	var s Seq
	a := r.IntN(min(10, T/2))
	b := r.IntN(T/2 - 1)
	if b >= a {
		b++
	}
	sum := 0.0
	for t := range T {
		v := r.Float64()
		m := 0.0
		if t == a || t == b {
			m = 1
			sum += v
		}
		s.X = append(s.X, []float64{v - 0.5, m}) // the net sees the value centred
		s.D = append(s.D, []float64{0})
		s.Mask = append(s.Mask, 0)
		s.Label = append(s.Label, int(m))
	}
	s.D[T-1][0], s.Mask[T-1] = sum, 1
	return s
}

func (a *addingTask) Next() Seq    { return AddingSeq(a.T, a.r) }
func (a *addingTask) Stream() bool { return false }
func (a *addingTask) In() int      { return 2 }
func (a *addingTask) Out() int     { return 1 }
func (a *addingTask) Linear() bool { return true }
