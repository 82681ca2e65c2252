package models

import (
	"fmt"
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/optimize/convex/lp"
)

// CoverFraction is the fraction of the 2^P dichotomies of P points in
// general position in R^N that a hyperplane through the origin separates
// (Cover 1965): C(P,N)/2^P with C(P,N) = 2·Σ_{k<N} binom(P−1, k). It is 1
// for P ≤ N, exactly ½ at P = 2N, and falls to 0 beyond.
func CoverFraction(P, N int) float64 {
	if P <= N {
		return 1
	}
	// Σ_{k<N} binom(P−1,k)/2^(P−1), summed in log space to avoid overflow
	var s float64
	for k := 0; k < N; k++ {
		lg := lbinom(P-1, k) - float64(P-1)*math.Ln2
		s += math.Exp(lg)
	}
	return math.Min(s, 1)
}

func lbinom(n, k int) float64 {
	a, _ := math.Lgamma(float64(n + 1))
	b, _ := math.Lgamma(float64(k + 1))
	c, _ := math.Lgamma(float64(n - k + 1))
	return a - b - c
}

// CoverParams configures the capacity experiment.
type CoverParams struct {
	N         int // input dimension, 2..200
	MaxEpochs int // epochs the perceptron gets before a labelling counts as not separable, 1..100000
}

// Validate names the first bad field, its value and the valid range.
func (p CoverParams) Validate() error {
	if p.N < 2 || p.N > 200 {
		return fmt.Errorf("dim = %d: must be 2..200", p.N)
	}
	if p.MaxEpochs < 1 || p.MaxEpochs > 100000 {
		return fmt.Errorf("epochs = %d: must be 1..100000", p.MaxEpochs)
	}
	return nil
}

// CoverLoads are the loads P/N the experiment measures.
var CoverLoads = []float64{0.25, 0.5, 0.75, 1, 1.25, 1.5, 1.75, 2, 2.25, 2.5, 2.75, 3, 3.5, 4}

// Cover measures the separable fraction of random dichotomies: each Step
// is one trial, P Gaussian points in R^N with random ±1 labels, at the load
// with the fewest trials so far. Each labelling is decided exactly by linear
// programming, and the perceptron is run on the separable ones: near P = 2N
// the margin vanishes and the perceptron's time to converge diverges, so the
// fraction it separates within MaxEpochs falls below Cover's curve there.
type Cover struct {
	p                 CoverParams
	rng               *rand.Rand
	Trials, Separable []int // per load; Separable is the exact (LP) count
	Converged         []int // per load: separated by the perceptron within MaxEpochs
	LastLoad          int   // index of the last trial's load
	LastEpochs        int   // epochs the perceptron took (0: not separable, not run)
	LastSeparable     bool
	LastConverged     bool
	x                 []float64 // P×N inputs, row-major, scratch
	y, w              []float64
}

// NewCover starts an experiment with no trials.
func NewCover(p CoverParams, seed uint64) (*Cover, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	return &Cover{
		p:         p,
		rng:       rand.New(rand.NewPCG(seed, 0xc0ffee)),
		Trials:    make([]int, len(CoverLoads)),
		Separable: make([]int, len(CoverLoads)),
		Converged: make([]int, len(CoverLoads)),
	}, nil
}

// Params returns the parameters.
func (c *Cover) Params() CoverParams { return c.p }

// P is the number of points at load index i.
func (c *Cover) P(i int) int { return max(1, int(math.Round(CoverLoads[i]*float64(c.p.N)))) }

// Fraction is the separable fraction at load i and its standard error.
func (c *Cover) Fraction(i int) (f, se float64) { return proportion(c.Separable[i], c.Trials[i]) }

// PerceptronFraction is the fraction the perceptron separated within
// MaxEpochs at load i and its standard error.
func (c *Cover) PerceptronFraction(i int) (f, se float64) {
	return proportion(c.Converged[i], c.Trials[i])
}

// proportion is k/n with its binomial standard error, floored at that of
// a quarter success so that 0/n and n/n do not claim certainty.
func proportion(k, n int) (f, se float64) {
	if n == 0 {
		return math.NaN(), math.NaN()
	}
	f = float64(k) / float64(n)
	return f, math.Sqrt(math.Max(f*(1-f), 0.25/float64(n)) / float64(n))
}

// Step runs one trial.
func (c *Cover) Step() {
	i := 0
	for k := range c.Trials {
		if c.Trials[k] < c.Trials[i] {
			i = k
		}
	}
	P, N := c.P(i), c.p.N
	c.x = resize(c.x, P*N)
	c.y = resize(c.y, P)
	c.w = resize(c.w, N)
	for k := range c.x {
		c.x[k] = c.rng.NormFloat64()
	}
	for k := range c.y {
		c.y[k] = float64(2*int(c.rng.Uint64()&1) - 1)
	}
	c.LastLoad = i
	c.LastSeparable = LinearlySeparable(c.x, c.y, N)
	c.LastEpochs, c.LastConverged = 0, false
	if c.LastSeparable {
		c.LastEpochs, c.LastConverged = PerceptronEpochs(c.x, c.y, c.w, N, c.p.MaxEpochs)
		c.Separable[i]++
		if c.LastConverged {
			c.Converged[i]++
		}
	}
	c.Trials[i]++
}

// LinearlySeparable decides exactly whether some w has y_i·(w·x_i) > 0 for
// every row x_i of x (P×N, row-major). By Gordan's theorem it is so unless
// some λ ≥ 0 with Σλ = 1 has Σ λ_i·y_i·x_i = 0, a linear program with N+1
// equality constraints, which gonum's simplex decides.
func LinearlySeparable(x, y []float64, n int) bool {
	P := len(y)
	if P <= n {
		// fewer points than dimensions: separable unless the points are
		// degenerate, which Gaussian points are not (almost surely)
		return true
	}
	A := mat.NewDense(n+1, P, nil)
	for i := 0; i < P; i++ {
		for k := 0; k < n; k++ {
			A.Set(k, i, y[i]*x[i*n+k])
		}
		A.Set(n, i, 1)
	}
	b := make([]float64, n+1)
	b[n] = 1
	c := make([]float64, P) // any feasible point will do
	_, _, err := lp.Simplex(c, A, b, 1e-10, nil)
	return err != nil // infeasible: no such λ
}

// PerceptronEpochs trains a perceptron without bias, w starting at 0, on the
// rows of x (P×N, row-major) with labels y, sweeping in order until an epoch
// makes no mistake or maxEpochs have passed. It returns the epochs used and
// whether it separated the data. w is overwritten.
func PerceptronEpochs(x, y, w []float64, n, maxEpochs int) (int, bool) {
	clear(w)
	P := len(y)
	for e := 1; e <= maxEpochs; e++ {
		mistakes := 0
		for i := 0; i < P; i++ {
			row := x[i*n : (i+1)*n]
			var a float64
			for k, v := range row {
				a += w[k] * v
			}
			if y[i]*a <= 0 {
				for k, v := range row {
					w[k] += y[i] * v
				}
				mistakes++
			}
		}
		if mistakes == 0 {
			return e, true
		}
	}
	return maxEpochs, false
}

func resize(s []float64, n int) []float64 {
	if cap(s) < n {
		return make([]float64, n)
	}
	return s[:n]
}
