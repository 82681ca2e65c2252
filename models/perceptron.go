// Package models holds jclub's learning models: the perceptron, Hopfield
// networks and their experiments. Nothing here imports a terminal package.
package models

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// Perceptron data sets.
const (
	Separable = "separable" // labelled by a random line, with a margin
	Noisy     = "noisy"     // two overlapping Gaussian clouds
	XOR       = "xor"       // four clusters labelled by the sign of x₁·x₂
)

// DataSets lists the perceptron's data sets.
var DataSets = []string{Separable, Noisy, XOR}

// PerceptronParams configures a perceptron learning a 2-D data set.
type PerceptronParams struct {
	Data   string  // Separable, Noisy or XOR
	Points int     // 4..2000
	Margin float64 // separable: half-width of the empty band around the true line, 0.01..0.5
	Spread float64 // noisy and xor: standard deviation of each cloud, 0.01..2
	Eta    float64 // learning rate η, > 0 (with w₀ = 0 it only scales w)
}

// Validate names the first bad field, its value and the valid range.
func (p PerceptronParams) Validate() error {
	switch {
	case p.Data != Separable && p.Data != Noisy && p.Data != XOR:
		return fmt.Errorf("data = %q: must be one of separable, noisy, xor", p.Data)
	case p.Points < 4 || p.Points > 2000:
		return fmt.Errorf("points = %d: must be 4..2000", p.Points)
	case !(p.Margin >= 0.01 && p.Margin <= 0.5):
		return fmt.Errorf("margin = %g: must be 0.01..0.5", p.Margin)
	case !(p.Spread >= 0.01 && p.Spread <= 2):
		return fmt.Errorf("spread = %g: must be 0.01..2", p.Spread)
	case !(p.Eta > 0 && p.Eta <= 100):
		return fmt.Errorf("eta = %g: must be > 0 and ≤ 100", p.Eta)
	}
	return nil
}

// PerceptronStep records one presentation, with the numbers of the rule.
type PerceptronStep struct {
	Index      int        // which sample
	X          [2]float64 // its input
	Y          float64    // its label ±1
	Activation float64    // w·x + b before the update
	Mistake    bool       // y·(w·x + b) ≤ 0
	W0, W      [2]float64 // weights before and after
	B0, B      float64    // bias before and after
}

// Perceptron is Rosenblatt's perceptron learning a 2-D data set one sample
// at a time: on a mistake, w ← w + η·y·x and b ← b + η·y.
type Perceptron struct {
	p     PerceptronParams
	rng   *rand.Rand
	X     [][2]float64
	Y     []float64
	W     [2]float64
	B     float64
	order []int
	pos   int // position in the current epoch's order

	Seen, Mistakes, Epoch int
	Last                  PerceptronStep

	// The line that generated separable data, (w*, b*) with |(w*, b*)| = 1,
	// and the bound it gives: Novikoff (1962), mistakes ≤ (R/γ)² with R the
	// largest |(x, 1)| and γ the smallest y·(w*·x + b*).
	TrueW     [2]float64
	TrueB     float64
	R, Gamma  float64
	correct   int // training points classified correctly by the current w, b
	lastCheck int // Seen when correct was computed
}

// NewPerceptron draws the data set and starts from w = 0, b = 0.
func NewPerceptron(p PerceptronParams, seed uint64) (*Perceptron, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	pc := &Perceptron{p: p, rng: rand.New(rand.NewPCG(seed, 0x5eed))}
	pc.makeData()
	pc.order = pc.rng.Perm(len(pc.X))
	pc.lastCheck = -1
	return pc, nil
}

// Params returns the parameters.
func (pc *Perceptron) Params() PerceptronParams { return pc.p }

func (pc *Perceptron) makeData() {
	p, rng := pc.p, pc.rng
	pc.X = make([][2]float64, p.Points)
	pc.Y = make([]float64, p.Points)
	switch p.Data {
	case Separable:
		// a random line through the square, kept away from its corners
		a := 2 * math.Pi * rng.Float64()
		n := [2]float64{math.Cos(a), math.Sin(a)}
		c := 0.4 * (2*rng.Float64() - 1) // signed distance of the line from 0
		for i := range pc.X {
			for {
				x := [2]float64{2*rng.Float64() - 1, 2*rng.Float64() - 1}
				d := n[0]*x[0] + n[1]*x[1] - c
				if math.Abs(d) >= p.Margin {
					pc.X[i], pc.Y[i] = x, sign(d)
					break
				}
			}
		}
		// normalise (w*, b*) in the augmented space (x, 1)
		norm := math.Sqrt(1 + c*c)
		pc.TrueW = [2]float64{n[0] / norm, n[1] / norm}
		pc.TrueB = -c / norm
		pc.Gamma = math.Inf(1)
		for i, x := range pc.X {
			pc.R = math.Max(pc.R, math.Sqrt(x[0]*x[0]+x[1]*x[1]+1))
			pc.Gamma = math.Min(pc.Gamma, pc.Y[i]*(pc.TrueW[0]*x[0]+pc.TrueW[1]*x[1]+pc.TrueB))
		}
	case Noisy:
		a := 2 * math.Pi * rng.Float64()
		mu := [2]float64{0.4 * math.Cos(a), 0.4 * math.Sin(a)}
		for i := range pc.X {
			y := float64(2*(i%2) - 1)
			pc.X[i] = [2]float64{y*mu[0] + p.Spread*rng.NormFloat64(), y*mu[1] + p.Spread*rng.NormFloat64()}
			pc.Y[i] = y
		}
	case XOR:
		for i := range pc.X {
			cx, cy := float64(2*(i%2)-1), float64(2*(i/2%2)-1)
			pc.X[i] = [2]float64{0.5*cx + p.Spread*rng.NormFloat64(), 0.5*cy + p.Spread*rng.NormFloat64()}
			pc.Y[i] = -cx * cy // (+,+) and (−,−) are −1: not linearly separable
		}
	}
}

func sign(x float64) float64 {
	if x < 0 {
		return -1
	}
	return 1
}

// Bound is Novikoff's (R/γ)² for separable data, NaN otherwise.
func (pc *Perceptron) Bound() float64 {
	if pc.p.Data != Separable {
		return math.NaN()
	}
	return (pc.R / pc.Gamma) * (pc.R / pc.Gamma)
}

// Step presents the next sample of the epoch's random order and applies the
// perceptron rule.
func (pc *Perceptron) Step() {
	if pc.pos == len(pc.order) {
		pc.pos = 0
		pc.Epoch++
		pc.rng.Shuffle(len(pc.order), func(i, j int) { pc.order[i], pc.order[j] = pc.order[j], pc.order[i] })
	}
	i := pc.order[pc.pos]
	pc.pos++
	x, y := pc.X[i], pc.Y[i]
	a := pc.W[0]*x[0] + pc.W[1]*x[1] + pc.B
	st := PerceptronStep{Index: i, X: x, Y: y, Activation: a, W0: pc.W, B0: pc.B, Mistake: y*a <= 0}
	if st.Mistake {
		eta := pc.p.Eta
		pc.W[0] += eta * y * x[0]
		pc.W[1] += eta * y * x[1]
		pc.B += eta * y
		pc.Mistakes++
	}
	st.W, st.B = pc.W, pc.B
	pc.Last = st
	pc.Seen++
}

// Accuracy is the fraction of the training set the current line classifies
// correctly (a point on the line counts as wrong, as in the rule).
func (pc *Perceptron) Accuracy() float64 {
	if pc.lastCheck != pc.Seen {
		pc.correct = 0
		for i, x := range pc.X {
			if pc.Y[i]*(pc.W[0]*x[0]+pc.W[1]*x[1]+pc.B) > 0 {
				pc.correct++
			}
		}
		pc.lastCheck = pc.Seen
	}
	return float64(pc.correct) / float64(len(pc.X))
}

// Converged reports a whole epoch without a mistake is possible now: every
// training point is classified correctly.
func (pc *Perceptron) Converged() bool { return pc.Accuracy() == 1 }
