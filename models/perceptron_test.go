package models

import (
	"math"
	"testing"
)

func TestCoverFormula(t *testing.T) {
	cases := []struct {
		P, N int
		want float64
	}{
		{10, 20, 1}, {20, 20, 1}, {40, 20, 0.5}, {2, 1, 0.5}, {3, 1, 0.25}, {4, 2, 0.5}, {5, 2, 5.0 / 16},
	}
	for _, c := range cases {
		if got := CoverFraction(c.P, c.N); math.Abs(got-c.want) > 1e-12 {
			t.Errorf("C(%d,%d)/2^P = %v, want %v", c.P, c.N, got, c.want)
		}
	}
}

// The perceptron's separable fraction matches Cover's formula within four
// standard errors at N = 20 at every load.
func TestCoverExperiment(t *testing.T) {
	c, err := NewCover(CoverParams{N: 20, MaxEpochs: 1000}, 1)
	if err != nil {
		t.Fatal(err)
	}
	for range 200 * len(CoverLoads) {
		c.Step()
	}
	for i, load := range CoverLoads {
		f, se := c.Fraction(i)
		want := CoverFraction(c.P(i), 20)
		pf, pse := c.PerceptronFraction(i)
		t.Logf("P/N = %.2f: exact %.3f ± %.3f, perceptron within 1000 epochs %.3f ± %.3f, Cover %.3f", load, f, se, pf, pse, want)
		if math.Abs(f-want) > 4*se {
			t.Errorf("P/N = %.2f: measured %.3f ± %.3f, Cover %.3f", load, f, se, want)
		}
	}
}

func defaultPerceptron(data string) PerceptronParams {
	return PerceptronParams{Data: data, Points: 100, Margin: 0.1, Spread: 0.3, Eta: 1}
}

// Novikoff: on separable data the perceptron converges, and its mistakes
// never exceed (R/γ)², on every seed, margin and learning rate tried.
func TestNovikoffBound(t *testing.T) {
	for seed := uint64(1); seed <= 40; seed++ {
		for _, margin := range []float64{0.02, 0.1, 0.3} {
			p := defaultPerceptron(Separable)
			p.Margin, p.Eta = margin, float64(seed%3)+0.5
			pc, err := NewPerceptron(p, seed)
			if err != nil {
				t.Fatal(err)
			}
			bound := pc.Bound()
			for pc.Seen < 200000 && !pc.Converged() {
				pc.Step()
				if float64(pc.Mistakes) > bound {
					t.Fatalf("seed %d margin %v: %d mistakes > bound %.1f", seed, margin, pc.Mistakes, bound)
				}
			}
			if !pc.Converged() {
				t.Fatalf("seed %d margin %v: not converged after %d samples", seed, margin, pc.Seen)
			}
			if pc.Gamma < margin/math.Sqrt(1+0.16)-1e-12 {
				t.Fatalf("γ = %v below the margin the data were drawn with", pc.Gamma)
			}
		}
	}
}

// XOR is not linearly separable: no line gets more than 3 of the 4
// clusters right, however long the perceptron runs (Minsky and Papert).
func TestXORNeverSettles(t *testing.T) {
	p := defaultPerceptron(XOR)
	p.Spread = 0.05
	pc, _ := NewPerceptron(p, 3)
	best := 0.0
	for range 20000 {
		pc.Step()
		best = math.Max(best, pc.Accuracy())
	}
	if best > 0.76 || pc.Converged() {
		t.Fatalf("XOR accuracy reached %.2f", best)
	}
	if !math.IsNaN(pc.Bound()) {
		t.Fatal("a bound for XOR")
	}
	last := pc.Mistakes
	for range 1000 {
		pc.Step()
	}
	if pc.Mistakes == last {
		t.Fatal("the perceptron stopped making mistakes on XOR")
	}
}

func TestPerceptronRule(t *testing.T) {
	pc, _ := NewPerceptron(defaultPerceptron(Noisy), 1)
	pc.Step()
	l := pc.Last
	if !l.Mistake { // w = 0: the first sample is always a mistake (y·0 ≤ 0)
		t.Fatal("first step not a mistake")
	}
	if l.W != [2]float64{l.Y * l.X[0], l.Y * l.X[1]} || l.B != l.Y {
		t.Fatalf("w ← w + ηyx gave %+v", l)
	}
	for range 500 {
		pc.Step()
		l := pc.Last
		want := l.W0
		if l.Mistake {
			want = [2]float64{l.W0[0] + l.Y*l.X[0], l.W0[1] + l.Y*l.X[1]}
		}
		if l.W != want || (l.Mistake != (l.Y*l.Activation <= 0)) {
			t.Fatalf("rule broken: %+v", l)
		}
	}
	if pc.Epoch != 5 {
		t.Fatalf("epoch %d after 501 of 100 samples", pc.Epoch)
	}
}

func TestPerceptronValidate(t *testing.T) {
	bad := []PerceptronParams{
		{Data: "and", Points: 10, Margin: 0.1, Spread: 0.1, Eta: 1},
		{Data: XOR, Points: 3, Margin: 0.1, Spread: 0.1, Eta: 1},
		{Data: XOR, Points: 10, Margin: 0.6, Spread: 0.1, Eta: 1},
		{Data: XOR, Points: 10, Margin: 0.1, Spread: math.NaN(), Eta: 1},
		{Data: XOR, Points: 10, Margin: 0.1, Spread: 0.1, Eta: 0},
	}
	for _, p := range bad {
		if _, err := NewPerceptron(p, 1); err == nil {
			t.Errorf("accepted %+v", p)
		}
	}
	if _, err := NewCover(CoverParams{N: 1, MaxEpochs: 10}, 1); err == nil {
		t.Error("accepted N = 1")
	}
}
