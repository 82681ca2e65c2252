package models

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// Contrast distributions of Laughlin's experiment.
const (
	ContrastGauss   = "gauss"   // N(0, 0.3²)
	ContrastLaplace = "laplace" // Laplace, scale 0.2
	ContrastUniform = "uniform" // U(−0.8, 0.8)
	ContrastBimodal = "bimodal" // ½N(−0.4, 0.15²) + ½N(0.4, 0.15²)
	ContrastSkewed  = "skewed"  // e^N(0, 0.5²) − 1: many dim, few bright
)

// Contrasts lists them.
var Contrasts = []string{ContrastGauss, ContrastLaplace, ContrastUniform, ContrastBimodal, ContrastSkewed}

// Contrast is a distribution of contrasts: its CDF, density and a sampler.
type Contrast struct{ Name string }

// CDF is P(c ≤ x).
func (c Contrast) CDF(x float64) float64 {
	phi := func(z float64) float64 { return 0.5 * math.Erfc(-z/math.Sqrt2) }
	switch c.Name {
	case ContrastLaplace:
		if x < 0 {
			return 0.5 * math.Exp(x/0.2)
		}
		return 1 - 0.5*math.Exp(-x/0.2)
	case ContrastUniform:
		return math.Max(0, math.Min(1, (x+0.8)/1.6))
	case ContrastBimodal:
		return 0.5*phi((x+0.4)/0.15) + 0.5*phi((x-0.4)/0.15)
	case ContrastSkewed:
		if x <= -1 {
			return 0
		}
		return phi(math.Log(1+x) / 0.5)
	}
	return phi(x / 0.3)
}

// Density is the derivative of the CDF.
func (c Contrast) Density(x float64) float64 {
	g := func(z, s float64) float64 { return math.Exp(-z*z/(2*s*s)) / (s * math.Sqrt(2*math.Pi)) }
	switch c.Name {
	case ContrastLaplace:
		return math.Exp(-math.Abs(x)/0.2) / 0.4
	case ContrastUniform:
		if x < -0.8 || x > 0.8 {
			return 0
		}
		return 1 / 1.6
	case ContrastBimodal:
		return 0.5*g(x+0.4, 0.15) + 0.5*g(x-0.4, 0.15)
	case ContrastSkewed:
		if x <= -1 {
			return 0
		}
		return g(math.Log(1+x), 0.5) / (1 + x)
	}
	return g(x, 0.3)
}

// Draw samples a contrast.
func (c Contrast) Draw(rng *rand.Rand) float64 {
	switch c.Name {
	case ContrastLaplace:
		u := rng.Float64() - 0.5
		return -0.2 * math.Copysign(math.Log(1-2*math.Abs(u)), u)
	case ContrastUniform:
		return -0.8 + 1.6*rng.Float64()
	case ContrastBimodal:
		if rng.IntN(2) == 0 {
			return -0.4 + 0.15*rng.NormFloat64()
		}
		return 0.4 + 0.15*rng.NormFloat64()
	case ContrastSkewed:
		return math.Exp(0.5*rng.NormFloat64()) - 1
	}
	return 0.3 * rng.NormFloat64()
}

// Range is where the contrasts lie, for plotting.
func (c Contrast) Range() (lo, hi float64) {
	switch c.Name {
	case ContrastLaplace:
		return -1, 1
	case ContrastUniform:
		return -1, 1
	case ContrastSkewed:
		return -1, 2
	}
	return -1.1, 1.1
}

// LaughlinParams configures the response of a neuron with Levels output
// levels to contrasts of a distribution: L − 1 thresholds, each learning
// its place from Batch contrasts a step.
type LaughlinParams struct {
	Shape  string
	Levels int     // 2..64
	Eta    float64 // the starting gain, 0.0001..1
	Batch  int     // contrasts a step, 1..100000
}

// Validate names the first bad field.
func (p LaughlinParams) Validate() error {
	ok := false
	for _, s := range Contrasts {
		ok = ok || s == p.Shape
	}
	switch {
	case !ok:
		return fmt.Errorf("contrast = %q: must be one of gauss, laplace, uniform, bimodal, skewed", p.Shape)
	case p.Levels < 2 || p.Levels > 64:
		return fmt.Errorf("levels = %d: must be 2..64", p.Levels)
	case !(p.Eta >= 1e-4 && p.Eta <= 1):
		return fmt.Errorf("eta = %g: must be 0.0001..1", p.Eta)
	case p.Batch < 1 || p.Batch > 100000:
		return fmt.Errorf("batch = %d: must be 1..100000", p.Batch)
	}
	return nil
}

// LaughlinN0 sets how the gain falls: after n contrasts each threshold
// moves by η·N0/(N0 + n) (Robbins and Monro 1951), so that the thresholds
// settle instead of jittering for ever.
const LaughlinN0 = 1000

// Laughlin is the response curve learning to equalise its output
// histogram. Threshold k (of L − 1) moves on each contrast c by
//
//	t_k ← t_k − η_n (1[c < t_k] − k/L)
//
// which settles where a fraction k/L of the contrasts lies below t_k: the
// response, the number of thresholds below c over L, becomes the contrasts'
// CDF, every output level is used equally often and the output entropy is
// log₂ L bits, the most L levels can carry (Laughlin 1981).
type Laughlin struct {
	p     LaughlinParams
	C     Contrast
	T     []float64 // the thresholds, increasing
	N     int       // contrasts seen
	Count []int     // output levels of the contrasts of the last step
	Last  struct {
		C, Before, After float64
		K                int
		Below            bool
	} // the first contrast of the last step and the threshold nearest it
	rng *rand.Rand
}

// NewLaughlin starts the thresholds evenly over the contrasts' range.
func NewLaughlin(p LaughlinParams, seed uint64) (*Laughlin, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	l := &Laughlin{p: p, C: Contrast{p.Shape}, T: make([]float64, p.Levels-1), Count: make([]int, p.Levels),
		rng: rand.New(rand.NewPCG(seed, 0x4c415547))}
	lo, hi := l.C.Range()
	for k := range l.T {
		l.T[k] = lo + (hi-lo)*float64(k+1)/float64(p.Levels)
	}
	return l, nil
}

// Params returns the parameters.
func (l *Laughlin) Params() LaughlinParams { return l.p }

// Gain is the current step size η·N0/(N0 + n).
func (l *Laughlin) Gain() float64 { return l.p.Eta * LaughlinN0 / float64(LaughlinN0+l.N) }

// Level is the output level of contrast c: the thresholds below it.
func (l *Laughlin) Level(c float64) int {
	k := 0
	for k < len(l.T) && l.T[k] <= c {
		k++
	}
	return k
}

// Step presents Batch contrasts.
func (l *Laughlin) Step() {
	clear(l.Count)
	L := float64(l.p.Levels)
	for i := range l.p.Batch {
		c := l.C.Draw(l.rng)
		l.Count[l.Level(c)]++
		g := l.Gain()
		if i == 0 {
			k := min(len(l.T)-1, max(0, l.Level(c)-1))
			if k+1 < len(l.T) && math.Abs(l.T[k+1]-c) < math.Abs(l.T[k]-c) {
				k++
			}
			l.Last.C, l.Last.K, l.Last.Before, l.Last.Below = c, k, l.T[k], c < l.T[k]
		}
		for k := range l.T {
			below := 0.0
			if c < l.T[k] {
				below = 1
			}
			l.T[k] -= g * (below - float64(k+1)/L)
		}
		if i == 0 {
			l.Last.After = l.T[l.Last.K]
		}
		l.N++
	}
	// the rule keeps them ordered in expectation; rounding and large gains may not
	for k := 1; k < len(l.T); k++ {
		l.T[k] = math.Max(l.T[k], l.T[k-1])
	}
}

// LevelProbs are the output levels' probabilities under the contrast
// distribution, from its CDF.
func (l *Laughlin) LevelProbs() []float64 {
	p := make([]float64, l.p.Levels)
	prev := 0.0
	for k, t := range l.T {
		f := l.C.CDF(t)
		p[k] = f - prev
		prev = f
	}
	p[len(p)-1] = 1 - prev
	return p
}

// OutputEntropy is the entropy of the output level, exactly from the CDF.
func (l *Laughlin) OutputEntropy() float64 { return Entropy(l.LevelProbs()) }

// CDFError is max_k |F(t_k) − k/L|: how far the response is from the CDF
// at the thresholds.
func (l *Laughlin) CDFError() float64 {
	e := 0.0
	for k, t := range l.T {
		e = math.Max(e, math.Abs(l.C.CDF(t)-float64(k+1)/float64(l.p.Levels)))
	}
	return e
}

// CDFTolerance is four standard deviations of F(t_k) − k/L for threshold
// k after n contrasts: the gain a/n with a = η·N0 gives t_k an asymptotic
// variance a²q(1−q)/((2af − 1)n) (f the density at the quantile q = k/L;
// Robbins–Monro with 2af > 1), and F(t_k) − q ≈ f·(t_k − t*). It is +Inf
// where 2af ≤ 1 (the gain too small for the rate to hold).
func (l *Laughlin) CDFTolerance(k int) float64 {
	q := float64(k+1) / float64(l.p.Levels)
	a := l.p.Eta * LaughlinN0
	f := l.C.Density(l.quantile(q))
	if 2*a*f <= 1 || l.N == 0 {
		return math.Inf(1)
	}
	return 4 * f * math.Sqrt(a*a*q*(1-q)/((2*a*f-1)*float64(l.N)))
}

// quantile inverts the CDF by bisection.
func (l *Laughlin) quantile(q float64) float64 {
	lo, hi := -10.0, 10.0
	for range 100 {
		m := (lo + hi) / 2
		if l.C.CDF(m) < q {
			lo = m
		} else {
			hi = m
		}
	}
	return (lo + hi) / 2
}
