package models

import (
	"math"
	"math/rand/v2"
	"os"
	"testing"
)

func relDiff(a, b []float64) float64 {
	var d, n float64
	for i := range a {
		d += (a[i] - b[i]) * (a[i] - b[i])
		n += a[i]*a[i] + b[i]*b[i]
	}
	return math.Sqrt(d / math.Max(n, 1e-300))
}

// BPTT and RTRL give the same gradient, and both agree with central finite
// differences, for the SRN and the LSTM, on every task's sequences.
func TestRNNGradients(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for _, model := range []string{ModelSRN, ModelLSTM} {
		for _, kind := range RNNTasks {
			task, _ := NewTask(kind, 12, r)
			n, err := NewRNN(RNNParams{Model: model, In: task.In(), Hidden: 5, Out: task.Out(), Linear: task.Linear(), Rate: 0.01}, r)
			if err != nil {
				t.Fatal(err)
			}
			s := task.Next()
			start := &State{H: make([]float64, 5), C: make([]float64, 5)}
			for i := range start.H {
				start.H[i], start.C[i] = 0.3*r.NormFloat64(), 0.3*r.NormFloat64()
			}
			tr := n.Forward(s.X, start)
			n.BPTT(tr, s.D, s.Mask)
			bp := append([]float64(nil), n.Grad...)
			n.RTRL(s.X, s.D, s.Mask, start)
			rt := append([]float64(nil), n.Grad...)
			fd := make([]float64, len(n.Theta))
			const h = 1e-6
			for i := range n.Theta {
				old := n.Theta[i]
				n.Theta[i] = old + h
				lp := Loss(n.Forward(s.X, start), s.D, s.Mask)
				n.Theta[i] = old - h
				lm := Loss(n.Forward(s.X, start), s.D, s.Mask)
				n.Theta[i] = old
				fd[i] = (lp - lm) / (2 * h)
			}
			d1, d2 := relDiff(bp, rt), relDiff(bp, fd)
			t.Logf("%s %s: BPTT−RTRL %.1e, BPTT−finite differences %.1e (%d parameters)", model, kind, d1, d2, len(bp))
			if d1 > 1e-8 {
				t.Errorf("%s %s: BPTT and RTRL differ by %.2e", model, kind, d1)
			}
			if d2 > 1e-6 {
				t.Errorf("%s %s: BPTT and finite differences differ by %.2e", model, kind, d2)
			}
		}
	}
}

// Temporal XOR: after training the predictable bit's error is far below
// the others', which stay at chance (0.25 for a guess of ½).
func TestRNNTemporalXOR(t *testing.T) {
	for seed := uint64(1); seed <= 3; seed++ {
		tr, _ := NewRNNTrainer(RNNTrainParams{Task: TaskXOR, Model: ModelSRN, Hidden: 4, Length: 30, Rate: 0.01, Clip: 1}, seed)
		for tr.Steps < 5000 {
			tr.Step()
		}
		e := tr.ErrByLabel(3)
		t.Logf("seed %d: error by place in the triple %.4f", seed, e)
		if e[2] > 0.05 || e[0] < 0.2 || e[1] < 0.2 {
			t.Errorf("seed %d: errors %.3f: the XOR bit should be learnt, the random ones not", seed, e)
		}
	}
}

// Letters: the consonant is unpredictable, the vowels after it are not.
func TestRNNLetters(t *testing.T) {
	for seed := uint64(1); seed <= 3; seed++ {
		tr, _ := NewRNNTrainer(RNNTrainParams{Task: TaskLetters, Model: ModelSRN, Hidden: 20, Length: 30, Rate: 0.01, Clip: 1}, seed)
		for tr.Steps < 2000 {
			tr.Step()
		}
		e := tr.ErrByKind()
		t.Logf("seed %d: error before a consonant %.4f, before a vowel %.5f; by letter %s %.4f", seed, e[0], e[1], LetterOrder, tr.ErrByLabel(6))
		if e[0] < 20*e[1] {
			t.Errorf("seed %d: consonant error %.4f not well above vowel error %.4f", seed, e[0], e[1])
		}
	}
}

// The embedded Reber grammar: the LSTM (16 cells, forget bias 3) predicts
// every legal next symbol of all 200 held-out strings within 10 000
// strings on most seeds.
func TestRNNReber(t *testing.T) {
	solved := 0
	for seed := uint64(1); seed <= 4; seed++ {
		tr, _ := NewRNNTrainer(RNNTrainParams{Task: TaskReber, Model: ModelLSTM, Hidden: 16, Rate: 0.01, Clip: 1, ForgetBias: 3}, seed)
		hit := -1
		for tr.Steps < 10000 {
			tr.Step()
			if tr.Steps%250 == 0 && tr.TestAccuracy() == 1 {
				hit = tr.Steps
				break
			}
		}
		t.Logf("seed %d: every held-out string right after %d strings (−1: not in 10 000)", seed, hit)
		if hit > 0 {
			solved++
		}
	}
	if solved < 3 {
		t.Errorf("the LSTM solved the embedded Reber grammar on %d of 4 seeds", solved)
	}
}

// The adding problem at T = 100: the LSTM's test MSE falls below 0.01;
// the SRN stays at the mean's 1/6. Seeds 1 and 2 here (18 000 and 12 000
// sequences); with JCLUB_LONG=1 seeds 1–8, of which the slowest takes
// 65 000 (the paper: 74 000 for its LSTM).
func TestRNNAddingProblem(t *testing.T) {
	seeds, limit := []uint64{1, 2}, 40000
	if os.Getenv("JCLUB_LONG") != "" {
		seeds, limit = []uint64{1, 2, 3, 4, 5, 6, 7, 8}, 100000
	}
	for _, seed := range seeds {
		tr, _ := NewRNNTrainer(RNNTrainParams{Task: TaskAdding, Model: ModelLSTM, Hidden: 8, Length: 100, Rate: 0.001, Clip: 1, ForgetBias: 5}, seed)
		hit := -1
		for tr.Steps < limit {
			tr.Step()
			if tr.Steps%1000 == 0 && tr.TestMSE() < 0.01 {
				hit = tr.Steps
				break
			}
		}
		t.Logf("seed %d: LSTM below 0.01 after %d sequences", seed, hit)
		if hit < 0 {
			t.Errorf("seed %d: the LSTM's test MSE %.4f after %d sequences", seed, tr.TestMSE(), limit)
		}
	}
	tr, _ := NewRNNTrainer(RNNTrainParams{Task: TaskAdding, Model: ModelSRN, Hidden: 8, Length: 100, Rate: 0.001, Clip: 1}, 1)
	for tr.Steps < 10000 {
		tr.Step()
	}
	if m := tr.TestMSE(); m < 0.1 {
		t.Errorf("the SRN's test MSE %.4f: it should stay near 1/6", m)
	}
}

// The vanishing gradient: for the SRN on the adding problem the slope of
// log‖∂L/∂h_{T−k}‖ against k lies below the mean log spectral norm of the
// recurrent Jacobian (‖ΠJ‖ ≤ Π‖J‖) and within 15% of its mean log spectral
// radius, the growth rate of a product of Jacobians that change little
// along the probe (the hidden state barely moves with these inputs).
func TestVanishingGradientSlope(t *testing.T) {
	for seed := uint64(1); seed <= 3; seed++ {
		tr, _ := NewRNNTrainer(RNNTrainParams{Task: TaskAdding, Model: ModelSRN, Hidden: 8, Length: 100, Rate: 0.001, Clip: 1}, seed)
		for tr.Steps < 500 {
			tr.Step()
		}
		n, j, rho, err := tr.GradientByLag(100)
		if err != nil {
			t.Fatal(err)
		}
		var sx, sy, sxx, sxy, c, lj, lr float64
		for k := 5; k <= 60; k++ {
			x, y := float64(k), math.Log(n[k])
			sx, sy, sxx, sxy, c = sx+x, sy+y, sxx+x*x, sxy+x*y, c+1
			lj += math.Log(j[k])
			lr += math.Log(rho[k])
		}
		slope := (c*sxy - sx*sy) / (c*sxx - sx*sx)
		lj, lr = lj/c, lr/c
		t.Logf("seed %d: slope %.4f, mean log radius %.4f, mean log norm %.4f", seed, slope, lr, lj)
		if slope > lj+1e-9 || math.Abs(slope-lr) > 0.15*math.Abs(lr) {
			t.Errorf("seed %d: slope %.4f against log radius %.4f and log norm %.4f", seed, slope, lr, lj)
		}
	}
}
