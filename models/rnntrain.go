package models

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// RNNTrainParams configures a recurrent net on a task.
type RNNTrainParams struct {
	Task, Model string
	Hidden      int
	Length      int // a stream's stretch (the truncation of BPTT) or the adding problem's T
	Rate, Clip  float64
	ForgetBias  float64 // the LSTM's starting forget bias
}

// RNNTrainer trains a net on a task, one stretch or sequence a step.
type RNNTrainer struct {
	p    RNNTrainParams
	Net  *RNN
	Task Task
	rng  *rand.Rand
	st   *State // where a stream left the net
	// the last step: its sequence and forward pass, the loss, the
	// gradient's norm before clipping, the largest weight change, and
	// ‖∂L/∂h_t‖ at each step of it
	Steps                int // updates: one sequence (or stretch) each
	Seq                  Seq
	Trace                *Trace
	Loss, GradNorm, Move float64
	Norms                []float64
	recent               []labelled // the last RNNRecent steps' errors, by label
	at                   int
	test                 []Seq // the held-out set (adding, reber)
	lossEMA              float64
}

type labelled struct {
	label int
	err   float64
}

// RNNRecent is how many recent steps' errors the errors by label average.
const RNNRecent = 3000

// RNNTestSize is the held-out set's size (adding problem, Reber strings).
const RNNTestSize = 200

// NewRNNTrainer builds the task, the net and the held-out set from seed.
func NewRNNTrainer(p RNNTrainParams, seed uint64) (*RNNTrainer, error) {
	// the task and the net each from its own stream: two nets trained at
	// one seed see the same sequences
	r := rand.New(rand.NewPCG(seed, 0x5441534b))
	task, err := NewTask(p.Task, p.Length, r)
	if err != nil {
		return nil, err
	}
	net, err := NewRNN(RNNParams{Model: p.Model, In: task.In(), Hidden: p.Hidden, Out: task.Out(), Linear: task.Linear(), Rate: p.Rate, Clip: p.Clip, ForgetBias: p.ForgetBias},
		rand.New(rand.NewPCG(seed, 0x4e4554)))
	if err != nil {
		return nil, err
	}
	tr := &RNNTrainer{p: p, Net: net, Task: task, rng: r}
	tr.st = &State{H: make([]float64, p.Hidden), C: make([]float64, p.Hidden)}
	tr.lossEMA = math.NaN()
	// a held-out set from its own stream: the same for every training seed
	hr := rand.New(rand.NewPCG(0x7e57, 0x7e57))
	switch p.Task {
	case TaskAdding:
		for range RNNTestSize {
			tr.test = append(tr.test, AddingSeq(p.Length, hr))
		}
	case TaskReber:
		for range RNNTestSize {
			tr.test = append(tr.test, ReberSeq(ReberString(hr)))
		}
	}
	return tr, nil
}

// Params are the settings.
func (tr *RNNTrainer) Params() RNNTrainParams { return tr.p }

// Step trains on the next stretch or sequence: forward, BPTT, an update.
func (tr *RNNTrainer) Step() {
	tr.one()
	tr.GradNorm, tr.Move = tr.Net.Step()
	tr.Steps++
	if math.IsNaN(tr.lossEMA) {
		tr.lossEMA = tr.Loss
	} else {
		tr.lossEMA = 0.99*tr.lossEMA + 0.01*tr.Loss
	}
}

// one runs the next stretch or sequence forward and back, leaving its
// gradient in the net's Grad.
func (tr *RNNTrainer) one() {
	s := tr.Task.Next()
	var start *State
	if tr.Task.Stream() {
		start = tr.st
	}
	trace := tr.Net.Forward(s.X, start)
	tr.Loss = Loss(trace, s.D, s.Mask)
	tr.Norms = tr.Net.BPTT(trace, s.D, s.Mask)
	if tr.Task.Stream() {
		tr.st = trace.End()
	}
	tr.Seq, tr.Trace = s, trace
	for t, y := range trace.Y {
		if s.Mask[t] == 0 {
			continue
		}
		e := 0.0
		for o := range y {
			d := y[o] - s.D[t][o]
			e += d * d
		}
		tr.record(labelled{label: s.Label[t], err: e / float64(len(y))})
	}
}

func (tr *RNNTrainer) record(l labelled) {
	if len(tr.recent) < RNNRecent {
		tr.recent = append(tr.recent, l)
		return
	}
	tr.recent[tr.at] = l
	tr.at = (tr.at + 1) % RNNRecent
}

// SmoothLoss is the training loss averaged over about the last hundred
// steps.
func (tr *RNNTrainer) SmoothLoss() float64 { return tr.lossEMA }

// ErrByLabel is the mean squared error (per output) over the recent steps
// for each label 0..k−1 (NaN for a label not seen).
//
// For the letters task the labels are the letters (LetterOrder);
// ErrByKind groups them into consonants and vowels.
func (tr *RNNTrainer) ErrByLabel(k int) []float64 {
	sum, n := make([]float64, k), make([]float64, k)
	for _, l := range tr.recent {
		if l.label >= 0 && l.label < k {
			sum[l.label] += l.err
			n[l.label]++
		}
	}
	for i := range sum {
		sum[i] /= n[i]
	}
	return sum
}

// ErrByKind is the letters task's error before a consonant and before a
// vowel.
func (tr *RNNTrainer) ErrByKind() []float64 {
	var sum, n [2]float64
	for _, l := range tr.recent {
		if l.label >= 0 {
			k := LetterKind(l.label)
			sum[k] += l.err
			n[k]++
		}
	}
	return []float64{sum[0] / n[0], sum[1] / n[1]}
}

// TestMSE is the adding problem's mean squared error on the held-out set.
func (tr *RNNTrainer) TestMSE() float64 {
	s := 0.0
	for _, q := range tr.test {
		y := tr.Net.Forward(q.X, nil).Y
		d := y[len(y)-1][0] - q.D[len(q.D)-1][0]
		s += d * d
	}
	return s / float64(len(tr.test))
}

// TestAccuracy is the share of held-out Reber strings whose every legal
// next symbol the net predicts (ReberCorrect).
func (tr *RNNTrainer) TestAccuracy() float64 {
	ok := 0
	for _, q := range tr.test {
		if ReberCorrect(tr.Net.Forward(q.X, nil).Y, q.Label) {
			ok++
		}
	}
	return float64(ok) / float64(len(tr.test))
}

// GradientByLag is ‖∂L/∂h_{T−k}‖ against the lag k for the loss at the
// last step of a probe sequence of length T (an adding-problem sequence,
// or a stretch of the task), as BPTT carries it back; with, for the SRN,
// the recurrent Jacobian's spectral norm and radius at each lag (the
// slope of log‖∂L/∂h‖ against k lies below the mean log norm, and near
// the mean log radius where the Jacobians change little).
func (tr *RNNTrainer) GradientByLag(T int) (norms, jac, rho []float64, err error) {
	if T < 2 {
		return nil, nil, nil, fmt.Errorf("a probe of %d steps", T)
	}
	r := rand.New(rand.NewPCG(0x1a9, uint64(tr.Steps)))
	var s Seq
	switch tr.p.Task {
	case TaskAdding:
		s = AddingSeq(T, r)
	default:
		task, _ := NewTask(tr.p.Task, T, r)
		for len(s.X) < T {
			q := task.Next()
			s.X, s.D, s.Mask = append(s.X, q.X...), append(s.D, q.D...), append(s.Mask, q.Mask...)
		}
		s.X, s.D, s.Mask = s.X[:T], s.D[:T], make([]float64, T)
	}
	mask := make([]float64, len(s.X))
	mask[len(mask)-1] = 1
	trace := tr.Net.Forward(s.X, nil)
	saved := append([]float64(nil), tr.Net.Grad...)
	n := tr.Net.BPTT(trace, s.D, mask)
	copy(tr.Net.Grad, saved)
	// n[t] is the gradient at h_t; the lag of h_t from the loss at T is T − t
	for k := 0; k < len(n)-1; k++ {
		norms = append(norms, n[len(n)-1-k])
	}
	js, rs := tr.Net.RecurrentJacobian(trace)
	for k := range js {
		jac, rho = append(jac, js[len(js)-1-k]), append(rho, rs[len(rs)-1-k])
	}
	return norms, jac, rho, nil
}
