package models

import (
	"fmt"
	"math"
	"math/rand/v2"
	"sort"
)

// Information theory: entropy and its estimation, channel capacity and the
// rate-distortion function by Blahut–Arimoto (Blahut 1972, Arimoto 1972),
// and Laughlin's (1981) histogram-equalising response. Entropies are in
// bits.

// Entropy is H(p) = −Σ p log₂ p of a distribution (zeros ignored).
func Entropy(p []float64) float64 {
	h := 0.0
	for _, v := range p {
		if v > 0 {
			h -= v * math.Log2(v)
		}
	}
	return h
}

// H2 is the binary entropy function H(p) = −p log₂ p − (1−p) log₂(1−p).
func H2(p float64) float64 { return Entropy([]float64{p, 1 - p}) }

// PlugIn is the plug-in entropy of counts, −Σ (n_i/N) log₂(n_i/N), and
// MillerMadow adds Miller's (1955) first-order bias correction
// (m − 1)/(2N ln 2), m the number of non-empty bins.
func PlugIn(counts []int) float64 {
	n := 0
	for _, c := range counts {
		n += c
	}
	if n == 0 {
		return 0
	}
	h := 0.0
	for _, c := range counts {
		if c > 0 {
			p := float64(c) / float64(n)
			h -= p * math.Log2(p)
		}
	}
	return h
}

// MillerMadow is the plug-in entropy plus (m − 1)/(2N ln 2).
func MillerMadow(counts []int) float64 {
	n, m := 0, 0
	for _, c := range counts {
		n += c
		if c > 0 {
			m++
		}
	}
	if n == 0 {
		return 0
	}
	return PlugIn(counts) + float64(m-1)/(2*float64(n)*math.Ln2)
}

// Source distributions of the entropy experiment.
const (
	DistUniform   = "uniform"
	DistZipf      = "zipf"
	DistGeometric = "geometric"
	DistDyadic    = "dyadic"
)

// Dists lists them.
var Dists = []string{DistUniform, DistZipf, DistGeometric, DistDyadic}

// Distribution returns the probabilities of a named distribution on k
// symbols: uniform; Zipf's p_i ∝ 1/i; geometric p_i ∝ 2^(−i/(k/8));
// dyadic ½, ¼, …, with the last two equal.
func Distribution(name string, k int) ([]float64, error) {
	if k < 2 || k > 256 { // the joint counts of (X, Y) are K×K
		return nil, fmt.Errorf("symbols = %d: must be 2..256", k)
	}
	p := make([]float64, k)
	switch name {
	case DistUniform:
		for i := range p {
			p[i] = 1
		}
	case DistZipf:
		for i := range p {
			p[i] = 1 / float64(i+1)
		}
	case DistGeometric:
		for i := range p {
			p[i] = math.Pow(2, -float64(i)/math.Max(1, float64(k)/8))
		}
	case DistDyadic:
		for i := range p {
			p[i] = math.Pow(2, -float64(min(i+1, k-1)))
		}
	default:
		return nil, fmt.Errorf("dist = %q: must be one of uniform, zipf, geometric, dyadic", name)
	}
	s := 0.0
	for _, v := range p {
		s += v
	}
	for i := range p {
		p[i] /= s
	}
	return p, nil
}

// sampler draws from a discrete distribution by inverting its CDF.
type sampler struct{ cdf []float64 }

func newSampler(p []float64) sampler {
	c := make([]float64, len(p))
	s := 0.0
	for i, v := range p {
		s += v
		c[i] = s
	}
	c[len(c)-1] = math.Inf(1) // rounding never leaves the last symbol out
	return sampler{c}
}

func (s sampler) draw(rng *rand.Rand) int { return sort.SearchFloat64s(s.cdf, rng.Float64()) }

// EntropyParams configures the entropy experiment: samples of a
// distribution P on K symbols, Batch more a step; and a pair (X, Y) with X
// drawn from P and Y = X with probability 1 − Noise, else uniform on the K
// symbols, for the mutual information.
type EntropyParams struct {
	P     []float64
	Batch int     // samples a step, 1..100000
	Noise float64 // 0..1
}

// Validate names the first bad field.
func (p EntropyParams) Validate() error {
	switch {
	case len(p.P) < 2:
		return fmt.Errorf("distribution: needs at least 2 symbols")
	case p.Batch < 1 || p.Batch > 100000:
		return fmt.Errorf("batch = %d: must be 1..100000", p.Batch)
	case !(p.Noise >= 0 && p.Noise <= 1):
		return fmt.Errorf("noise = %g: must be 0..1", p.Noise)
	}
	s := 0.0
	for _, v := range p.P {
		if !(v >= 0) {
			return fmt.Errorf("distribution: probability %g is negative", v)
		}
		s += v
	}
	if math.Abs(s-1) > 1e-9 {
		return fmt.Errorf("distribution: probabilities sum to %g, not 1", s)
	}
	return nil
}

// EntropyRun accumulates samples of X and of (X, Y).
type EntropyRun struct {
	p      EntropyParams
	s      sampler
	Counts []int // of X
	Joint  []int // of (X, Y), K×K
	YCount []int
	N      int
	Last   []int // the symbols of the last step (at most 16 kept)
	rng    *rand.Rand
}

// NewEntropyRun starts with no samples.
func NewEntropyRun(p EntropyParams, seed uint64) (*EntropyRun, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	k := len(p.P)
	return &EntropyRun{p: p, s: newSampler(p.P), Counts: make([]int, k), Joint: make([]int, k*k), YCount: make([]int, k),
		rng: rand.New(rand.NewPCG(seed, 0x454e5452))}, nil
}

// Params returns the parameters.
func (e *EntropyRun) Params() EntropyParams { return e.p }

// Step draws Batch samples.
func (e *EntropyRun) Step() {
	k := len(e.p.P)
	e.Last = e.Last[:0]
	for range e.p.Batch {
		x := e.s.draw(e.rng)
		y := x
		if e.rng.Float64() < e.p.Noise {
			y = e.rng.IntN(k)
		}
		e.Counts[x]++
		e.YCount[y]++
		e.Joint[x*k+y]++
		e.N++
		if len(e.Last) < 16 {
			e.Last = append(e.Last, x)
		}
	}
}

// True is the distribution's entropy.
func (e *EntropyRun) True() float64 { return Entropy(e.p.P) }

// TrueMI is I(X;Y) = H(Y) − H(Y|X) of the noisy copy.
func (e *EntropyRun) TrueMI() float64 {
	k := len(e.p.P)
	py := make([]float64, k)
	for y := range py {
		for x, px := range e.p.P {
			py[y] += px * e.cond(x, y)
		}
	}
	row := make([]float64, k)
	for y := range row {
		row[y] = e.cond(0, y)
	}
	return Entropy(py) - Entropy(row) // H(Y|X=x) is the same for every x
}

// cond is P(Y = y | X = x).
func (e *EntropyRun) cond(x, y int) float64 {
	k := float64(len(e.p.P))
	p := e.p.Noise / k
	if x == y {
		p += 1 - e.p.Noise
	}
	return p
}

// PlugInMI is the plug-in mutual information Ĥ(X) + Ĥ(Y) − Ĥ(X, Y), and
// its first-order bias (K−1)²/(2N ln 2) for K×K cells all occupied.
func (e *EntropyRun) PlugInMI() (mi, bias float64) {
	k := len(e.p.P)
	mi = PlugIn(e.Counts) + PlugIn(e.YCount) - PlugIn(e.Joint)
	if e.N > 0 {
		bias = float64((k-1)*(k-1)) / (2 * float64(e.N) * math.Ln2)
	}
	return mi, bias
}

// EstimatorBias is the mean plug-in and Miller–Madow estimate minus the
// true entropy, over reps independent sets of n samples of p.
func EstimatorBias(p []float64, n, reps int, seed uint64) (plugin, mm float64) {
	rng := rand.New(rand.NewPCG(seed, uint64(n)))
	s := newSampler(p)
	counts := make([]int, len(p))
	h := Entropy(p)
	for range reps {
		clear(counts)
		for range n {
			counts[s.draw(rng)]++
		}
		plugin += PlugIn(counts) - h
		mm += MillerMadow(counts) - h
	}
	return plugin / float64(reps), mm / float64(reps)
}
